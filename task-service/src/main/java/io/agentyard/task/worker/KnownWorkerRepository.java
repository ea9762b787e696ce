package io.agentyard.task.worker;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class KnownWorkerRepository implements PanacheRepositoryBase<KnownWorker, UUID> {
}
