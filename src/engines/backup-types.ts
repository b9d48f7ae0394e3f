/** The engine side of check_backups / create_backup / verify_backup (#8). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BackupOps {}
