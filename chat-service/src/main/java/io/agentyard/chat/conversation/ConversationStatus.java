package io.agentyard.chat.conversation;

/** Archiving is the notes' soft delete: an archived conversation is read, never written. */
public enum ConversationStatus {
    active, archived
}
