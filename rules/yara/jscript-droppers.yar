// Windows Script Host droppers (CHAIN.md §4): JScript/VBScript that creates COM objects to run a command or
// to download and save a payload. Plain-text patterns; obfuscated droppers are left to the emulator, these
// rules catch the common unobfuscated and lightly obfuscated ones.

rule TB_WSH_Shell_Run
{
    meta:
        title = "Script creates WScript.Shell or Shell.Application and runs a command"
        score = 300
        attack = "T1059.007, T1059.005"
        description = "A script that starts another program through COM: the usual hop from a dropper to cmd or PowerShell."
    strings:
        $create1 = "ActiveXObject" nocase
        $create2 = "CreateObject" nocase
        $shell1 = "WScript.Shell" nocase
        $shell2 = "Shell.Application" nocase
        $run1 = /\.Run\s*\(/ nocase
        $run2 = /\.Exec\s*\(/ nocase
        $run3 = /\.ShellExecute\s*\(/ nocase
    condition:
        filesize < 5MB and any of ($create*) and any of ($shell*) and any of ($run*)
}

rule TB_WSH_Download_And_Save
{
    meta:
        title = "Script downloads with XMLHTTP/WinHttp and saves with ADODB.Stream"
        score = 500
        attack = "T1059.007, T1105"
        description = "The classic WSH downloader: fetch bytes over HTTP, write them to disk with ADODB.Stream.SaveToFile."
    strings:
        $http1 = "MSXML2.XMLHTTP" nocase
        $http2 = "Microsoft.XMLHTTP" nocase
        $http3 = "MSXML2.ServerXMLHTTP" nocase
        $http4 = "WinHttp.WinHttpRequest" nocase
        $stream = "ADODB.Stream" nocase
        $save = "SaveToFile" nocase
    condition:
        filesize < 5MB and any of ($http*) and $stream and $save
}

rule TB_WSH_Temp_Payload_Path
{
    meta:
        title = "Script builds a path in the temp folder next to a COM object"
        score = 100
        attack = "T1059.007"
        description = "Droppers save their payload under %TEMP%; weak alone, it adds to the other script rules."
    strings:
        $com = "ActiveXObject" nocase
        $t1 = "GetSpecialFolder(2)" nocase
        $t2 = "%TEMP%" nocase
        $t3 = "ExpandEnvironmentStrings" nocase
    condition:
        filesize < 5MB and $com and any of ($t*)
}
