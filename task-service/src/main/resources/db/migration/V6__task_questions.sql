-- Human in the loop (chat-service's chat.question_asked / chat.question_answered events).
-- A blocked task says why it waits: 'review' (a supervised run is done; a person approves or
-- rejects) or 'question' (its worker asked a person something on the task's conversation and waits
-- for the answer). A reason exactly when blocked; tasks blocked before this migration await review.
ALTER TABLE tasks ADD COLUMN blocked_reason varchar(20) CHECK (blocked_reason IN ('review', 'question'));
UPDATE tasks SET blocked_reason = 'review' WHERE status = 'blocked';
ALTER TABLE tasks ADD CONSTRAINT tasks_blocked_has_reason CHECK ((status = 'blocked') = (blocked_reason IS NOT NULL));

-- The questions workers asked on their tasks' conversations and the answers people gave, per
-- attempt (execution_id): a heartbeat hands the worker the answers of its attempt. id is the
-- question's chat message id. 'open' while the task waits for it, 'answered', or 'withdrawn' when
-- the wait ended without an answer (the attempt completed, failed or ended, or the task was
-- cancelled). asked_at is null for an answer whose question task-service had not seen yet (the
-- question's event arrives later and fills it in; it blocks nothing then).
CREATE TABLE task_questions (
    id                 uuid         PRIMARY KEY,
    task_id            uuid         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    work_order_id      uuid         NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    execution_id       uuid         NOT NULL,
    worker_id          uuid         NOT NULL,
    conversation_id    uuid         NOT NULL,
    status             varchar(20)  NOT NULL CHECK (status IN ('open', 'answered', 'withdrawn')),
    asked_at           timestamptz,
    answer_message_id  uuid,
    answer             text,
    answered_by        uuid,
    answered_at        timestamptz,
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    CHECK ((status = 'answered') = (answer_message_id IS NOT NULL))
);
-- Is the task still waiting for an answer?
CREATE INDEX task_questions_open_idx ON task_questions (task_id) WHERE status = 'open';
-- The answers of an attempt, for its heartbeats.
CREATE INDEX task_questions_execution_idx ON task_questions (execution_id);
