-- Most tasks have no parent, and many no project. Every query on these columns is an equality
-- (subtasks of a task, a list filtered by project or parent), which the partial indexes serve; but
-- the NULL entries of the full ones served nothing, and every update that changes a task's status
-- (not HOT: status is indexed) wrote one into each: two of the index entries a claim writes, two of
-- a completion's.
DROP INDEX tasks_parent_idx;
CREATE INDEX tasks_parent_idx ON tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;
DROP INDEX tasks_project_idx;
CREATE INDEX tasks_project_idx ON tasks (project_id) WHERE project_id IS NOT NULL;
