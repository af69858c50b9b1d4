// PowerShell download cradles (CHAIN.md §5): download then execute, or download a DLL and run it with
// rundll32/regsvr32 (the Qakbot chain's last scripted step). Matched in ASCII and UTF-16LE, since decoded
// -EncodedCommand text and scripts saved by PowerShell are UTF-16.

rule TB_PowerShell_Download_Execute
{
    meta:
        title = "PowerShell download cradle: downloads and executes"
        score = 600
        attack = "T1059.001, T1105"
        description = "A script that fetches code or a file from the web and runs it in the same breath."
    strings:
        $dl1 = "Net.WebClient" nocase ascii wide
        $dl2 = "DownloadString" nocase ascii wide
        $dl3 = "DownloadFile" nocase ascii wide
        $dl4 = "DownloadData" nocase ascii wide
        $dl5 = "Invoke-WebRequest" nocase ascii wide
        $dl6 = "Start-BitsTransfer" nocase ascii wide
        $dl7 = /\b(iwr|irm|wget|curl)\s+(-uri\s+)?['"]?https?:\/\// nocase ascii wide
        $dl8 = "Invoke-RestMethod" nocase ascii wide
        $ex1 = /\b(iex|Invoke-Expression)\b/ nocase ascii wide
        $ex2 = "Start-Process" nocase ascii wide
        $ex3 = /\brundll32(\.exe)?\b/ nocase ascii wide
        $ex4 = /\bregsvr32(\.exe)?\b/ nocase ascii wide
        $ex5 = "[ScriptBlock]::Create" nocase ascii wide
    condition:
        filesize < 5MB and any of ($dl*) and any of ($ex*)
}

rule TB_PowerShell_Download_Run_DLL
{
    meta:
        title = "PowerShell downloads a file and runs it as a DLL (rundll32/regsvr32)"
        score = 800
        attack = "T1059.001, T1105, T1218.011, T1218.010"
        description = "The Qakbot chain's PowerShell step: fetch a DLL to disk, then load it through a signed Windows binary."
    strings:
        $dl1 = "DownloadFile" nocase ascii wide
        $dl2 = "Invoke-WebRequest" nocase ascii wide
        $dl3 = "Start-BitsTransfer" nocase ascii wide
        $dl4 = /\b(iwr|wget|curl)\b[^\r\n]{0,300}-OutFile\b/ nocase ascii wide
        $run1 = /\brundll32(\.exe)?["']?\s+[^\r\n]{1,300},\s*[A-Za-z#_][\w]{0,64}/ nocase ascii wide
        $run2 = /\bregsvr32(\.exe)?["']?\s+(\/s|-s)\b/ nocase ascii wide
    condition:
        filesize < 5MB and any of ($dl*) and any of ($run*)
}

rule TB_PowerShell_Encoded_Hidden_Launch
{
    meta:
        title = "Hidden PowerShell launched with an encoded command"
        score = 400
        attack = "T1059.001, T1027, T1564.003"
        description = "powershell with -EncodedCommand and a hidden window: the launch the dropper hands to WScript.Shell.Run."
    strings:
        $ps = /powershell(\.exe)?["']?\s/ nocase ascii wide
        $enc = /\s[-\/]e(nc?|ncodedcommand|c)?\s+[A-Za-z0-9+\/]{40,}={0,2}/ nocase ascii wide
        $hidden = /\s[-\/]w(indowstyle)?\s+(hidden|1)\b/ nocase ascii wide
    condition:
        filesize < 5MB and $ps and $enc and $hidden
}
