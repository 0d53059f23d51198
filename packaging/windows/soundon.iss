; Inno Setup script: a per-user install of the one-folder build (no administrator rights needed).
; Built by packaging/build-windows.ps1, which passes /DAppVersion=… and /DSourceDir=…\dist\soundon.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\soundon"
#endif

[Setup]
AppId={{6E1C0C9B-6C1F-4E7B-9A0B-50F1D0A0C0DE}
AppName=Sound-On
AppVersion={#AppVersion}
AppPublisher=Sound-On
DefaultDirName={localappdata}\Programs\Sound-On
DefaultGroupName=Sound-On
DisableProgramGroupPage=yes
; Per-user install: writes only under the user's profile, so no UAC prompt.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Sound-On-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName=Sound-On {#AppVersion}
UninstallDisplayIcon={app}\soundon.exe
#ifdef SignTool
SignTool={#SignTool}
#endif

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{userprograms}\Sound-On"; Filename: "{app}\soundon.exe"
Name: "{userprograms}\Uninstall Sound-On"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\soundon.exe"; Description: "Start Sound-On"; Flags: nowait postinstall skipifsilent
