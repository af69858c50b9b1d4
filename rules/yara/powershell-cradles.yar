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

rule TB_PowerShell_Shellcode_Injection
{
    meta:
        title = "PowerShell injects shellcode in memory (VirtualAlloc + CreateThread through P/Invoke)"
        score = 900
        attack = "T1059.001, T1055, T1106"
        description = "Declares Windows API functions from PowerShell, allocates memory and starts a thread on a byte array: the Metasploit/Unicorn/SET loader shape."
    strings:
        $pinvoke1 = "DllImport" nocase ascii wide
        $pinvoke2 = "GetDelegateForFunctionPointer" nocase ascii wide
        $pinvoke3 = "Add-Type" nocase ascii wide
        $alloc = "VirtualAlloc" nocase ascii wide
        $run1 = "CreateThread" nocase ascii wide
        $run2 = "memset" nocase ascii wide
        $run3 = "WriteProcessMemory" nocase ascii wide
        $run4 = "CreateRemoteThread" nocase ascii wide
        $bytes = /\[Byte\[\]\]\s*\$\w+\s*=\s*(0x[0-9a-f]{2}\s*,\s*){16}/ nocase ascii wide
        $b64 = /FromBase64String\s*\(/ nocase ascii wide
    condition:
        filesize < 5MB and any of ($pinvoke*) and $alloc and any of ($run*) and ($bytes or $b64 or #run1 > 0)
}

rule TB_PowerShell_Compressed_Base64_Payload
{
    meta:
        title = "PowerShell decompresses a base64 payload and runs it"
        score = 600
        attack = "T1059.001, T1027, T1140"
        description = "A gzip/deflate stream decoded from base64 and executed: the packing of Powerfun, Empire stagers and many loaders."
    strings:
        $b64 = /FromBase64String\s*\(/ nocase ascii wide
        $z1 = "GzipStream" nocase ascii wide
        $z2 = "DeflateStream" nocase ascii wide
        $z3 = "IO.Compression" nocase ascii wide
        $ex1 = /\b(iex|Invoke-Expression)\b/ nocase ascii wide
        $ex2 = "ReadToEnd" nocase ascii wide
        $ex3 = "[ScriptBlock]::Create" nocase ascii wide
        $ex4 = /powershell(\.exe)?["']?\s+[^\r\n]{0,60}-(c|command)\b/ nocase ascii wide
    condition:
        filesize < 5MB and $b64 and any of ($z*) and any of ($ex*)
}
