export interface UnattendedUpgradesConfig {
  /** HH:MM, when a kernel update may reboot the host. */
  readonly rebootWindow: string;
}

/**
 * APT settings for security updates every day, and a reboot in the window when an update needs one.
 * Sorted after the package's own 20auto-upgrades and 50unattended-upgrades, so these values win.
 */
export function renderUnattendedUpgrades(config: UnattendedUpgradesConfig): string {
  if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(config.rebootWindow)) {
    throw new Error(`rebootWindow must be HH:MM, got ${config.rebootWindow}`);
  }
  return [
    "// Managed by failmap bootstrap.",
    'APT::Periodic::Update-Package-Lists "1";',
    'APT::Periodic::Unattended-Upgrade "1";',
    'APT::Periodic::AutocleanInterval "7";',
    // Security updates only: the package's default list also follows point releases.
    "#clear Unattended-Upgrade::Origins-Pattern;",
    "Unattended-Upgrade::Origins-Pattern {",
    '  "origin=Debian,codename=${distro_codename},label=Debian-Security";',
    '  "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
    "};",
    'Unattended-Upgrade::Remove-Unused-Kernel-Packages "true";',
    'Unattended-Upgrade::Automatic-Reboot "true";',
    'Unattended-Upgrade::Automatic-Reboot-WithUsers "true";',
    `Unattended-Upgrade::Automatic-Reboot-Time "${config.rebootWindow}";`,
    "",
  ].join("\n");
}
