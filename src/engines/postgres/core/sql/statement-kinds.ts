/** PostgreSQL statement node types (libpg-query) and what each does. Unlisted types are 'unknown'. */
import type { StatementClass } from '../../../../core/classification.js';

const WRITE = ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'RefreshMatViewStmt'];

const DDL = [
  'TruncateStmt',
  'CommentStmt',
  'GrantStmt',
  'GrantRoleStmt',
  'RenameStmt',
  'IndexStmt',
  'ViewStmt',
  'DefineStmt',
  'CompositeTypeStmt',
  'RuleStmt',
  'SecLabelStmt',
  'ReassignOwnedStmt',
  'ObjectWithArgs',
  'DropOwnedStmt',
  'ImportForeignSchemaStmt',
  'CreateTableAsStmt',
  'SelectIntoStmt',
];

const ADMIN = [
  'TransactionStmt',
  'VariableSetStmt',
  'DiscardStmt',
  'LockStmt',
  'ListenStmt',
  'UnlistenStmt',
  'NotifyStmt',
  'VacuumStmt',
  'CheckPointStmt',
  'LoadStmt',
  'CopyStmt',
  'PrepareStmt',
  'ExecuteStmt',
  'DeallocateStmt',
  'DeclareCursorStmt',
  'FetchStmt',
  'ClosePortalStmt',
  'DoStmt',
  'CallStmt',
  'ReindexStmt',
  'ClusterStmt',
  'ConstraintsSetStmt',
  'AlterSystemStmt',
  'CreatedbStmt',
  'DropdbStmt',
  'AlterDatabaseStmt',
  'AlterDatabaseSetStmt',
];

export function classOfStatement(type: string): StatementClass {
  if (type === 'SelectStmt' || type === 'ExplainStmt' || type === 'VariableShowStmt') return 'read';
  if (WRITE.includes(type)) return 'write';
  if (DDL.includes(type) || /^(Create|Alter|Drop)/.test(type)) return 'ddl';
  if (ADMIN.includes(type)) return 'admin';
  return 'unknown';
}

export const WRITE_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
