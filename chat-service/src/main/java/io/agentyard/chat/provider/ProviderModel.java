package io.agentyard.chat.provider;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A model a provider offers, under the name the provider knows it by. */
@Entity
@Table(name = "provider_models")
public class ProviderModel {

    @Id
    public UUID id;

    public String provider;

    public String name;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "context_window")
    public Integer contextWindow;

    /** 1, 2, ... in the order the provider's list gave them. */
    public int position;
}
