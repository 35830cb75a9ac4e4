; Inno Setup recipe: a per-user install (no administrator rights) of PyInstaller's dist\obnotify,
; with a Start-menu shortcut that carries the app id as its AppUserModelID. Windows shows a
; program's toasts only under an id that a Start-menu shortcut declares; obnotify claims the same
; id for its process at start-up and gives it to its notifier.
;   iscc /DAppVersion=0.1.0 packaging\windows\obnotify.iss
#define AppId "org.obnotify.ObNotify"
#define AppName "obnotify"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root "..\.."

[Setup]
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=obnotify developers
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile={#Root}\LICENSE
OutputDir={#Root}\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
UninstallDisplayIcon={app}\{#AppName}.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Files]
Source: "{#Root}\dist\obnotify\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppName}.exe"; AppUserModelID: "{#AppId}"

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent
