# videowall monitor on Windows: two ways to keep it running. NOT TESTED on Windows by the
# project (written from Microsoft's documentation of sc.exe and Register-ScheduledTask);
# try it on a test machine first.
#
# Paths: adjust $Exe (the installed videowall.exe, or python.exe -m viewer) and $Catalog.
$Exe = "C:\Program Files\videowall\videowall.exe"
$Catalog = "C:\ProgramData\videowall\catalog.yaml"
$Args = "monitor `"$Catalog`" --listen 127.0.0.1:9480 --max-age 60"

# --- A: a scheduled task at boot, restarted after a crash (no extra software) -------------
$action = New-ScheduledTaskAction -Execute $Exe -Argument $Args
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -StartWhenAvailable
Register-ScheduledTask -TaskName "videowall monitor" -Action $action -Trigger $trigger -Settings $settings `
    -User "NT AUTHORITY\NETWORK SERVICE" -RunLevel Limited
# Stop: Stop-ScheduledTask "videowall monitor"   (Windows has no SIGHUP: editing the catalog
# file is enough, the monitor re-reads it within 2 s.)

# --- B: a real Windows service through a service wrapper (e.g. WinSW or NSSM) --------------
# videowall.exe is a console program, not a service executable, so sc.exe alone cannot run
# it. With NSSM:
#   nssm install videowall-monitor "$Exe" $Args
#   nssm set videowall-monitor AppExit Default Restart
#   nssm set videowall-monitor AppStopMethodConsole 15000
#   nssm start videowall-monitor
