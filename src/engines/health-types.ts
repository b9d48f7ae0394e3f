/** The engine side of check_health / top_queries / check_security (#9). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HealthOps {}
