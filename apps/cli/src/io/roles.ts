export { toRole } from '@tongli/shared';
