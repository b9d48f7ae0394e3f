/** The engine side of propose_index (#6). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IndexAdvisorOps {}
