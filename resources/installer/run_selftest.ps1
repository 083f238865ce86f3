# Runs "videowall.exe --selftest" and reports its verdict.
#
# videowall.exe is a windowed program: it has no console output and PowerShell does not
# wait for it by itself. This script starts it with VIDEOWALL_HOME in a fresh folder,
# waits at most -TimeoutSeconds, prints the log the self-test wrote there and exits with
# the self-test's exit code (0 = pictures displayed, 1 = failed, 124 = hung and killed).
#
# Usage (CI, or IT checking a deployed PC):
#   powershell -ExecutionPolicy Bypass -File run_selftest.ps1 -Exe "C:\Program Files\videowall\videowall.exe"
param(
    [Parameter(Mandatory = $true)][string]$Exe,
    [string]$HomeDir = (Join-Path ([IO.Path]::GetTempPath()) ("videowall-selftest-" + [guid]::NewGuid())),
    [int]$TimeoutSeconds = 60
)
$ErrorActionPreference = "Stop"
if (-not (Test-Path -LiteralPath $Exe)) {
    Write-Host "no such program: $Exe"
    exit 2
}
New-Item -ItemType Directory -Force -Path $HomeDir | Out-Null
$env:VIDEOWALL_HOME = $HomeDir  # inherited by the child: its log, config and cache go here
$started = Get-Date
$process = Start-Process -FilePath $Exe -ArgumentList "--selftest" -PassThru
$null = $process.Handle  # keeps ExitCode readable once the process has exited
if ($process.WaitForExit($TimeoutSeconds * 1000)) {
    $code = $process.ExitCode
} else {
    Stop-Process -Id $process.Id -Force
    Write-Host "videowall --selftest did not exit within $TimeoutSeconds s: killed"
    $code = 124
}
$seconds = ((Get-Date) - $started).TotalSeconds
$log = Join-Path $HomeDir "logs\videowall.log"
if (Test-Path -LiteralPath $log) {
    Get-Content -LiteralPath $log
} else {
    Write-Host "no log at $log"
}
Write-Host ("videowall --selftest: exit code {0} after {1:N1} s" -f $code, $seconds)
exit $code
