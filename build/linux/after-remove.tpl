#!/bin/bash

# Delete the link to the binary
# update-alternatives --remove <name> <path>: 'path' must be the registered alternative binary,
# not the generic symlink — see https://man7.org/linux/man-pages/man1/update-alternatives.1.html
# Ferry: electron-builder's after-remove.tpl (app-builder-lib 26, MIT), removing the command-line
# alternative that after-install.tpl registers instead of the desktop binary.
FERRY_CLI='/opt/${sanitizedProductName}/resources/cli/ferry'
if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove 'ferry' "$FERRY_CLI"
elif [ "`readlink '/usr/bin/ferry'`" = "$FERRY_CLI" ]; then
    rm -f '/usr/bin/ferry'
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'

# Remove and unload apparmor profile.
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  # Unload the profile from the running kernel before deleting the file so the
  # policy is not left enforced until the next reboot.  Mirror the chroot guard
  # used in the after-install script — live AppArmor operations are not
  # meaningful inside a chroot.
  # https://wiki.debian.org/AppArmor/HowToUse
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi