/**
 * The renderer needs no browser permission (camera, notifications, geolocation, HID,
 * clipboard-read…): every check and request is denied, so a compromised page gets no
 * prompt and no device. The session comes in as a parameter (tests pass a fake).
 */
import type { Session } from 'electron';

export type PermissionSession = Pick<Session, 'setPermissionCheckHandler' | 'setPermissionRequestHandler' | 'setDevicePermissionHandler'>;

export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionCheckHandler(() => false);
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setDevicePermissionHandler(() => false);
}
