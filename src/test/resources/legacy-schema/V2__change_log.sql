-- Which users each change may have touched (their view: a folder added, removed, renamed, or a
-- permission changed), so a node agent reloads only the mounts a change can affect. Rows are a
-- hint that stays readable after a missed announcement; the change counter stays the truth.
CREATE TABLE change_log (
  version BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX change_log_version ON change_log(version);

-- Rows up to this version have been pruned: whoever last looked before it reloads everything.
CREATE TABLE change_log_pruned (
  id INT PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO change_log_pruned VALUES (1, 0);
