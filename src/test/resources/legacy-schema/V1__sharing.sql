-- Every mutation bumps this single row first, which also serialises writers.
CREATE TABLE change_counter (
  id INT PRIMARY KEY CHECK (id = 1),
  val BIGINT NOT NULL
);
INSERT INTO change_counter VALUES (1, 0);

CREATE TABLE users (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(200),
  admin BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT users_email_uq UNIQUE (email),
  CONSTRAINT users_email_lower CHECK (email = LOWER(email))
);

CREATE TABLE projects (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT projects_name_uq UNIQUE (name)
);

CREATE TABLE project_members (
  project_id BIGINT NOT NULL REFERENCES projects(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  since TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (project_id, user_id)
);

-- A folder is owned by exactly one user or one project. The owner is never a permission level.
CREATE TABLE folders (
  id VARCHAR(36) PRIMARY KEY,
  name VARCHAR(64) NOT NULL,
  owner_user_id BIGINT REFERENCES users(id),
  owner_project_id BIGINT REFERENCES projects(id),
  project_perm VARCHAR(16),
  usage_mode VARCHAR(16) NOT NULL,
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  deleted_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT folders_one_owner CHECK ((owner_user_id IS NULL) <> (owner_project_id IS NULL)),
  CONSTRAINT folders_project_perm CHECK ((owner_project_id IS NULL AND project_perm IS NULL)
      OR (owner_project_id IS NOT NULL AND project_perm IN ('view', 'edit', 'edit-delete'))),
  CONSTRAINT folders_state CHECK (state IN ('active', 'trashed', 'purged')),
  CONSTRAINT folders_usage CHECK (usage_mode IN ('general', 'data', 'model'))
);

CREATE TABLE invitations (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  folder_id VARCHAR(36) NOT NULL REFERENCES folders(id),
  inviter_id BIGINT NOT NULL REFERENCES users(id),
  invitee_id BIGINT NOT NULL REFERENCES users(id),
  perm VARCHAR(16) NOT NULL,
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  decided_at TIMESTAMP WITH TIME ZONE,
  -- NULL unless pending, so the unique key allows one pending invitation per folder and invitee.
  pending_key VARCHAR(80) GENERATED ALWAYS AS
      (CASE WHEN state = 'pending' THEN folder_id || ':' || CAST(invitee_id AS VARCHAR) END),
  CONSTRAINT invitations_pending_uq UNIQUE (pending_key),
  CONSTRAINT invitations_perm CHECK (perm IN ('view', 'edit', 'edit-delete')),
  CONSTRAINT invitations_state CHECK (state IN ('pending', 'accepted', 'rejected', 'canceled')),
  CONSTRAINT invitations_not_self CHECK (inviter_id <> invitee_id)
);

CREATE TABLE shares (
  folder_id VARCHAR(36) NOT NULL REFERENCES folders(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  perm VARCHAR(16) NOT NULL,
  since TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (folder_id, user_id),
  CONSTRAINT shares_perm CHECK (perm IN ('view', 'edit', 'edit-delete'))
);

-- An admin's per-member override of a project folder's permission.
CREATE TABLE project_overrides (
  folder_id VARCHAR(36) NOT NULL REFERENCES folders(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  perm VARCHAR(16) NOT NULL,
  PRIMARY KEY (folder_id, user_id),
  CONSTRAINT overrides_perm CHECK (perm IN ('view', 'edit', 'edit-delete'))
);

-- One row per (user, folder) the user sees. The unique key makes "a name appears once in a view"
-- hold under concurrent transactions, not only through checks in Java.
CREATE TABLE view_entries (
  user_id BIGINT NOT NULL REFERENCES users(id),
  folder_id VARCHAR(36) NOT NULL REFERENCES folders(id),
  name VARCHAR(64) NOT NULL,
  PRIMARY KEY (user_id, folder_id),
  CONSTRAINT view_entries_name_uq UNIQUE (user_id, name)
);

CREATE TABLE audit (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  at TIMESTAMP WITH TIME ZONE NOT NULL,
  actor VARCHAR(254),
  action VARCHAR(40) NOT NULL,
  folder_id VARCHAR(36),
  folder_name VARCHAR(64),
  target VARCHAR(254),
  detail VARCHAR(500)
);
CREATE INDEX audit_folder ON audit(folder_id);
