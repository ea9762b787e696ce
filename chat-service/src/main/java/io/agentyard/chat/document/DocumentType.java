package io.agentyard.chat.document;

/** The kinds of context document the notes name (lower case, as stored and as the API spells them). */
public enum DocumentType {
    design, plan, specification, guide, reference
}
