import { AGENT_PACKAGE_BLOBS } from '../adapters/vms/agent-bootstrap.js';
import { SERVICE_HOST_SOURCE } from './agent-package-service-host.js';

/**
 * Node.js the agent runs on: the pinned 20 LTS release for Windows x64, downloaded from nodejs.org over the
 * bots' outbound NAT. The SHA-256 is the one nodejs.org publishes for this file in
 * https://nodejs.org/dist/v20.19.0/SHASUMS256.txt (cross-checked in three independent pins of the same file);
 * the installer refuses any other download.
 */
export const PINNED_NODE = {
  version: '20.19.0',
  windowsX64ZipSha256: 'be72284c7bc62de07d5a9fd0ae196879842c085f11f7f2b60bf8864c0c9d6a4f',
} as const;

/** File names inside the agent package and on the VM (the service host reads the same names). */
export const AGENT_PACKAGE_FILES = {
  bundle: 'hosted-rpa-agent.mjs',
  installer: AGENT_PACKAGE_BLOBS.installer,
  version: 'agent-version.json',
  zip: AGENT_PACKAGE_BLOBS.zip,
} as const;

export const AGENT_SERVICE_NAME = 'HostedRpaAgent';

/** PowerShell single-quoted literal (the typographic single quotes are quotes to PowerShell too). */
function psLiteral(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * install-agent.ps1, run by the Custom Script Extension as SYSTEM from the folder it downloaded the package to:
 *   install-agent.ps1 -SettingsBase64 <agent.json, UTF-8, base64>
 * 1. writes agent.json into a folder only SYSTEM and Administrators may read (before anything else, so a
 *    preinstalled agent gets its new credential even if the rest fails);
 * 2. if the service exists and the package is absent or of the installed version (a custom image with the
 *    agent preinstalled), restarts the service and stops there;
 * 3. otherwise installs the pinned Node.js (unless already there), the bundle, the service host, registers the
 *    `HostedRpaAgent` service (automatic start, restart on failure), writes version.json and starts it.
 * It prints steps only: never the settings (they hold the bot's credential).
 */
export function renderInstallScript(agentVersion: string): string {
  return `# install-agent.ps1: written by \`npm run package:agent\` (packaging/agent-package-installer.ts); do not edit.
# Installs or updates the Hosted RPA agent on a Windows VM (docs/deploy.md, "Agent on VMs"). Runs as SYSTEM.
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string] $SettingsBase64
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3

$AgentVersion = ${psLiteral(agentVersion)}
$NodeVersion = ${psLiteral(PINNED_NODE.version)}
# SHA-256 of node-v$NodeVersion-win-x64.zip from nodejs.org/dist/v$NodeVersion/SHASUMS256.txt; any other file is refused
$NodeZipSha256 = ${psLiteral(PINNED_NODE.windowsX64ZipSha256)}
$NodeZipUrl = "https://nodejs.org/dist/v$NodeVersion/node-v$NodeVersion-win-x64.zip"
$ServiceName = ${psLiteral(AGENT_SERVICE_NAME)}

$InstallDir = Join-Path $env:ProgramFiles 'HostedRpa'
$NodeDir = Join-Path $InstallDir 'node'
$NodeExe = Join-Path $NodeDir 'node.exe'
$AgentDir = Join-Path $InstallDir 'agent'
$ServiceExe = Join-Path $InstallDir 'HostedRpaAgentService.exe'
$VersionPath = Join-Path $InstallDir 'version.json'
$DataDir = Join-Path $env:ProgramData 'HostedRpa'
$SettingsPath = Join-Path $DataDir 'agent.json'
$PackageZip = Join-Path $PSScriptRoot ${psLiteral(AGENT_PACKAGE_FILES.zip)}

function Write-Step([string] $Message) {
    Write-Output "install-agent: $Message"
}

function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE" }
}

function Write-AgentSettings {
    New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
    # SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, before the credential is written
    Invoke-Native 'icacls' { icacls $DataDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' }
    $settings = [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($SettingsBase64))
    $null = $settings | ConvertFrom-Json
    # UTF-8 without a byte order mark: Node's JSON.parse refuses one (Set-Content -Encoding UTF8 writes it)
    [System.IO.File]::WriteAllText($SettingsPath, $settings, (New-Object System.Text.UTF8Encoding($false)))
    Write-Step "settings written to $SettingsPath"
}

function Get-InstalledAgentVersion {
    if (-not (Test-Path -LiteralPath $VersionPath)) { return $null }
    return (Get-Content -Raw -LiteralPath $VersionPath | ConvertFrom-Json).agentVersion
}

function Install-Node {
    if ((Test-Path -LiteralPath $NodeExe) -and ((& $NodeExe --version) -eq "v$NodeVersion")) {
        Write-Step "Node.js v$NodeVersion already installed"
        return
    }
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
    $zip = Join-Path $env:TEMP "node-v$NodeVersion-win-x64.zip"
    Write-Step "downloading $NodeZipUrl"
    Invoke-WebRequest -UseBasicParsing -Uri $NodeZipUrl -OutFile $zip
    $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $zip).Hash
    if ($actual -ne $NodeZipSha256) {
        Remove-Item -Force -LiteralPath $zip
        throw "Node.js download does not match NodeZipSha256 (expected $NodeZipSha256, got $actual): not installed"
    }
    $staging = Join-Path $env:TEMP "node-v$NodeVersion-staging"
    if (Test-Path -LiteralPath $staging) { Remove-Item -Recurse -Force -LiteralPath $staging }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::ExtractToDirectory($zip, $staging)
    if (Test-Path -LiteralPath $NodeDir) { Remove-Item -Recurse -Force -LiteralPath $NodeDir }
    Move-Item -LiteralPath (Join-Path $staging "node-v$NodeVersion-win-x64") -Destination $NodeDir
    Remove-Item -Force -LiteralPath $zip
    Remove-Item -Recurse -Force -LiteralPath $staging
    Write-Step "Node.js v$NodeVersion installed in $NodeDir"
}

function Install-AgentFiles {
    $staging = Join-Path $env:TEMP 'hosted-rpa-agent-staging'
    if (Test-Path -LiteralPath $staging) { Remove-Item -Recurse -Force -LiteralPath $staging }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::ExtractToDirectory($PackageZip, $staging)
    New-Item -ItemType Directory -Force -Path $AgentDir | Out-Null
    Copy-Item -Force -LiteralPath (Join-Path $staging ${psLiteral(AGENT_PACKAGE_FILES.bundle)}) -Destination $AgentDir
    Copy-Item -Force -LiteralPath (Join-Path $staging ${psLiteral(AGENT_PACKAGE_FILES.version)}) -Destination $AgentDir
    Remove-Item -Recurse -Force -LiteralPath $staging
    Write-Step "agent $AgentVersion copied to $AgentDir"
}

function Install-ServiceHost {
    if (Test-Path -LiteralPath $ServiceExe) { Remove-Item -Force -LiteralPath $ServiceExe }
    Add-Type -TypeDefinition $ServiceHostSource -ReferencedAssemblies 'System.ServiceProcess' -OutputAssembly $ServiceExe -OutputType ConsoleApplication
    Write-Step "service host compiled to $ServiceExe"
}

function Register-AgentService {
    $binaryPath = '"' + $ServiceExe + '"'
    if (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) {
        # an image's older registration: point it at this host (the registry value sc.exe config would set)
        Set-ItemProperty -Path "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\$ServiceName" -Name ImagePath -Value $binaryPath
        Invoke-Native 'sc.exe config' { sc.exe config $ServiceName start= auto obj= LocalSystem }
    } else {
        # New-Service rather than sc.exe create: Windows PowerShell 5.1 mangles the quotes binPath= needs
        New-Service -Name $ServiceName -BinaryPathName $binaryPath -DisplayName 'Hosted RPA agent' -StartupType Automatic | Out-Null
    }
    Invoke-Native 'sc.exe description' { sc.exe description $ServiceName 'Runs desktop flows for the Hosted RPA control plane.' }
    # restart after 5 s, 10 s, then every 30 s; the failure count resets after a day without failures
    Invoke-Native 'sc.exe failure' { sc.exe failure $ServiceName reset= 86400 actions= restart/5000/restart/10000/restart/30000 }
    Invoke-Native 'sc.exe failureflag' { sc.exe failureflag $ServiceName 1 }
    Write-Step "service $ServiceName registered (automatic start, restart on failure)"
}

function Write-VersionFile {
    $version = [ordered]@{ agentVersion = $AgentVersion; nodeVersion = $NodeVersion; installedAt = (Get-Date).ToUniversalTime().ToString('o') }
    [System.IO.File]::WriteAllText($VersionPath, ($version | ConvertTo-Json), (New-Object System.Text.UTF8Encoding($false)))
}

$ServiceHostSource = @'
${SERVICE_HOST_SOURCE}'@

Write-AgentSettings
$existing = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
$installed = Get-InstalledAgentVersion
if ($existing -and ((-not (Test-Path -LiteralPath $PackageZip)) -or $installed -eq $AgentVersion)) {
    Write-Step "service $ServiceName present (agent $installed): restarting it with the new settings"
    Restart-Service -Name $ServiceName -Force
    exit 0
}
if (-not (Test-Path -LiteralPath $PackageZip)) { throw "no agent package next to install-agent.ps1 and no $ServiceName service to restart" }
if ($existing) { Stop-Service -Name $ServiceName -Force }
New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
Install-Node
Install-AgentFiles
Install-ServiceHost
Register-AgentService
Write-VersionFile
Start-Service -Name $ServiceName
Write-Step "agent $AgentVersion installed and service $ServiceName started"
`;
}
