export { printable } from '@tongli/shared';
