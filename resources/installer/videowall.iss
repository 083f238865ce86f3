; Inno Setup 6 script for videowall: per-machine, 64-bit, under Program Files.
;
; Build (after `pyinstaller build_installer.spec` has made dist\videowall\):
;   iscc /DAppVersion=0.1.0 resources\installer\videowall.iss
; Output: dist\installer\videowall-<version>-win64-setup.exe
;
; Silent install / uninstall for IT (see docs/installer.md):
;   videowall-0.1.0-win64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/TASKS="autostart"] [/LOG="C:\path\setup.log"]
;   "C:\Program Files\videowall\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; Relative paths are relative to this file (resources\installer\).

#ifndef AppVersion
  #error AppVersion is not defined: run iscc /DAppVersion=X.Y.Z resources\installer\videowall.iss
#endif
#ifndef DistDir
  #define DistDir "..\..\dist\videowall"
#endif
#define AppName "videowall"
#define AppExe "videowall.exe"
; Where build_installer.spec puts libVLC inside the bundle (vlc_bundle.BUNDLE_VLC_DIR).
#define VlcDir "{app}\_internal\vlc"

[Setup]
; Never change AppId: upgrades and the uninstaller find earlier installs by it.
AppId={{BED84572-B306-48C5-B83C-108D73CD6B80}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=videowall contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine: Program Files, all users' Start menu; needs an administrator.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename={#AppName}-{#AppVersion}-win64-setup
SetupIconFile=..\icons\videowall.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
; The licence notices (libVLC LGPL-2.1+, Qt LGPL-3.0, videowall GPL-3.0+) are shown first.
LicenseFile=..\licenses\NOTICE.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Tasks]
; Kiosk mode (--kiosk: fullscreen, no dialogs, lenient catalog) comes with the
; round-the-clock issue. Unchecked by default; IT picks it with /TASKS="autostart".
Name: "autostart"; Description: "Start the wall in kiosk mode when any user logs in"; GroupDescription: "Control room:"; Flags: unchecked

[InstallDelete]
; Upgrades: drop the previous bundle first, so plugins removed from the allow-list do not
; linger, and never keep a plugin cache built for other files.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\licenses\*"; DestDir: "{app}\licenses"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
; All users' Startup folder (per-machine install). Kiosk mode: see [Tasks].
Name: "{autostartup}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "--kiosk"; WorkingDir: "{app}"; Tasks: autostart

[Run]
; libVLC's plugin cache (plugins.dat) must match the installed files' timestamps, so it is
; built here, after the copy, never shipped. Without it libVLC still works, only starts slower.
Filename: "{#VlcDir}\vlc-cache-gen.exe"; Parameters: """{#VlcDir}\plugins"""; WorkingDir: "{#VlcDir}"; StatusMsg: "Building the libVLC plugin cache..."; Flags: runhidden waituntilterminated
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Made by vlc-cache-gen at install time, so the uninstaller's own file list lacks it.
Type: files; Name: "{#VlcDir}\plugins\plugins.dat"
Type: dirifempty; Name: "{#VlcDir}\plugins"
Type: dirifempty; Name: "{#VlcDir}"
Type: dirifempty; Name: "{app}\_internal"
Type: dirifempty; Name: "{app}"
