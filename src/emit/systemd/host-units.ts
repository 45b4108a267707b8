/**
 * Units the host already has and relies on. A unit written to
 * /etc/systemd/system under one of these names replaces the host's own:
 * a project named `basic` made `basic.target`, and boot ran into an
 * ordering cycle. The project name and the compose names make every
 * generated unit name (`<project>.target`, `<project>-<service>.service`),
 * so they must not land on one of these.
 *
 * The list: systemd.special(7) of systemd 252 (the targets and services
 * of the system manager), the engine's own units the stack runs on, and
 * cloud-init's, which install the stack. Every name systemd's own units
 * start with, `systemd-`, is reserved as a whole.
 */
const HOST_UNITS: ReadonlySet<string> = new Set([
  // systemd.special(7)
  "basic.target",
  "blockdev@.target",
  "bluetooth.target",
  "boot-complete.target",
  "cryptsetup-pre.target",
  "cryptsetup.target",
  "ctrl-alt-del.target",
  "dbus.service",
  "default.target",
  "display-manager.service",
  "emergency.target",
  "emergency.service",
  "exit.target",
  "factory-reset.target",
  "final.target",
  "first-boot-complete.target",
  "getty-pre.target",
  "getty.target",
  "graphical.target",
  "halt.target",
  "hibernate.target",
  "hybrid-sleep.target",
  "initrd-fs.target",
  "initrd-root-device.target",
  "initrd-root-fs.target",
  "initrd-usr-fs.target",
  "initrd.target",
  "initrd-switch-root.target",
  "integritysetup-pre.target",
  "integritysetup.target",
  "kbrequest.target",
  "kexec.target",
  "local-fs-pre.target",
  "local-fs.target",
  "machines.target",
  "multi-user.target",
  "network-online.target",
  "network-pre.target",
  "network.target",
  "nss-lookup.target",
  "nss-user-lookup.target",
  "paths.target",
  "poweroff.target",
  "printer.target",
  "reboot.target",
  "remote-cryptsetup.target",
  "remote-fs-pre.target",
  "remote-fs.target",
  "remote-veritysetup.target",
  "rescue.target",
  "rescue.service",
  "rpcbind.target",
  "runlevel0.target",
  "runlevel1.target",
  "runlevel2.target",
  "runlevel3.target",
  "runlevel4.target",
  "runlevel5.target",
  "runlevel6.target",
  "shutdown.target",
  "sigpwr.target",
  "single-user.target",
  "sleep.target",
  "slices.target",
  "smartcard.target",
  "sockets.target",
  "sound.target",
  "suspend-then-hibernate.target",
  "suspend.target",
  "swap.target",
  "sysinit.target",
  "system-update-cleanup.service",
  "system-update-pre.target",
  "system-update.target",
  "time-set.target",
  "time-sync.target",
  "timers.target",
  "umount.target",
  "usb-gadget.target",
  "veritysetup-pre.target",
  "veritysetup.target",
  "graphical-session-pre.target",
  "graphical-session.target",
  "xdg-desktop-autostart.target",
  // The engines the units run on.
  "docker.service",
  "containerd.service",
  "podman.service",
  "podman-auto-update.service",
  "podman-auto-update.timer",
  "podman-restart.service",
  // cloud-init, which installs the stack and runs its runcmd after it.
  "cloud-init-local.service",
  "cloud-init.service",
  "cloud-config.service",
  "cloud-final.service",
  "cloud-init.target",
  "cloud-config.target",
  "cloud-init-hotplugd.service",
]);

/** The start of the names of systemd's own units: every name that starts so is systemd's. */
export const SYSTEMD_PREFIX = "systemd-";

/** Whether `unit` is the name of a unit the host has of its own. */
export function isHostUnit(unit: string): boolean {
  return HOST_UNITS.has(unit) || unit.startsWith(SYSTEMD_PREFIX);
}
