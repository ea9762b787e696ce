package io.agentyard.chat.conversation;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<Conversation, UUID> {

    public Uni<Conversation> findByTask(UUID taskId) {
        return find("taskId", taskId).firstResult();
    }
}
