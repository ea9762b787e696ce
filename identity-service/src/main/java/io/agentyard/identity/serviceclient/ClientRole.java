package io.agentyard.identity.serviceclient;

/** The role of a machine identity; constants are the wire and database values. */
public enum ClientRole {
    worker,
    service
}
