-- Context documents: shared, versioned markdown (design, plan, specification, guide, reference)
-- with tags and ranked full-text search. created_by / edited_by are identity-service user ids:
-- UUIDs without foreign keys (another service's schema).

-- The search text of a document: title weighted A, tags B, content C, with the 'english'
-- configuration (stemming and stop words: "deploying" finds "deployment"; documents are prose).
-- Declared IMMUTABLE so a generated column can use it: array_to_string is only STABLE in general
-- (it calls the element type's output function), which for varchar never changes.
CREATE FUNCTION chat.context_document_search_vector(title varchar, tags varchar[], content text)
    RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT setweight(pg_catalog.to_tsvector('pg_catalog.english', coalesce(title, '')), 'A')
        || setweight(pg_catalog.to_tsvector('pg_catalog.english', coalesce(pg_catalog.array_to_string(tags, ' '), '')), 'B')
        || setweight(pg_catalog.to_tsvector('pg_catalog.english', coalesce(content, '')), 'C')
$$;

-- The current version of each document (what lists and search read).
CREATE TABLE context_documents (
    id              uuid          PRIMARY KEY,
    title           varchar(255)  NOT NULL CHECK (btrim(title) <> ''),
    document_type   varchar(20)   NOT NULL
                    CHECK (document_type IN ('design', 'plan', 'specification', 'guide', 'reference')),
    content         text          NOT NULL,
    repository_url  varchar(500),
    tags            varchar(50)[] NOT NULL DEFAULT '{}',
    metadata        jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_by      uuid          NOT NULL,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    version         integer       NOT NULL DEFAULT 1 CHECK (version >= 1),
    search_vector   tsvector      NOT NULL
                    GENERATED ALWAYS AS (chat.context_document_search_vector(title, tags, content)) STORED
);
CREATE INDEX context_documents_type_idx ON context_documents (document_type);
CREATE INDEX context_documents_repository_idx ON context_documents (repository_url);
CREATE INDEX context_documents_created_by_idx ON context_documents (created_by);
-- tags @> '{a,b}': documents having every given tag.
CREATE INDEX context_documents_tags_idx ON context_documents USING gin (tags);
CREATE INDEX context_documents_search_idx ON context_documents USING gin (search_vector);
-- Lists without a query: newest first, continued after (created_at, id).
CREATE INDEX context_documents_newest_idx ON context_documents (created_at DESC, id DESC);

-- Every version of every document, the current one included: version 1 is written with the
-- document, each update adds the next one in the same statement. Deleted with their document.
CREATE TABLE context_document_versions (
    document_id     uuid          NOT NULL REFERENCES context_documents (id) ON DELETE CASCADE,
    version         integer       NOT NULL CHECK (version >= 1),
    title           varchar(255)  NOT NULL,
    document_type   varchar(20)   NOT NULL,
    content         text          NOT NULL,
    repository_url  varchar(500),
    tags            varchar(50)[] NOT NULL DEFAULT '{}',
    metadata        jsonb         NOT NULL DEFAULT '{}'::jsonb,
    edited_by       uuid          NOT NULL,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
);
