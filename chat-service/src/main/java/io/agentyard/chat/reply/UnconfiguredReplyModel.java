package io.agentyard.chat.reply;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.agentyard.shared.problem.ProblemException;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Multi;

/** TEMPORARY until the provider client lands. */
@ApplicationScoped
@DefaultBean
public class UnconfiguredReplyModel implements ReplyModel {

    @Override
    public Multi<Delta> stream(Request request) {
        return Multi.createFrom().failure(ProblemException.serviceUnavailable("no model client", Duration.ofSeconds(5)));
    }
}
