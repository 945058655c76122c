export {
  type AuditEvent,
  AuditLog,
  type AuditQuery,
  type AuditRecord,
} from './audit-log.js';
export { type ApiToken, AuthService, type CreateTokenInput, type User } from './auth-service.js';
export * from './roles.js';
