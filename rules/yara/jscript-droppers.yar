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

rule TB_WSH_Script_Host_Object
{
    meta:
        title = "Script written for Windows Script Host (uses the WScript object)"
        score = 200
        attack = "T1059.007, T1059.005"
        description = "Browser scripts never touch WScript; a .js or .vbs that does runs with the user's full rights when double-clicked."
    strings:
        $dot = /\bWScript\s*\.\s*(CreateObject|Sleep|Quit|Echo|ScriptFullName|ScriptName|Arguments|GetObject|StdOut)\b/ nocase
        $bracket = /\bWScript["']?\s*\]?\s*\[\s*["'][A-Za-z"'+\s]{2,40}\]/ nocase
        $this = /this\s*\[\s*["']WScript["']\s*\]/ nocase
        $split = /["']WScr["']\s*\+\s*["']ipt/ nocase
    condition:
        filesize < 5MB and any of them
}

rule TB_WSH_Obfuscated_Strings
{
    meta:
        title = "Windows Script Host script with obfuscated strings"
        score = 300
        attack = "T1059.007, T1027"
        description = "Names and URLs cut into fragments, hex escapes or charAt picks next to WScript/ActiveXObject: built to hide from string scanners."
    strings:
        $wsh1 = "WScript" nocase
        $wsh2 = "ActiveXObject" nocase
        $frag = /["'][^"'\r\n]{1,3}["']\s*\+\s*["'][^"'\r\n]{1,3}["']/
        $hex = /\\x[0-9a-fA-F]{2}/
        $charat = /["'][^"'\r\n]{2,16}["']\s*\.\s*charAt\s*\(\s*\d+\s*\)/
    condition:
        filesize < 5MB and any of ($wsh*) and (#frag >= 10 or #hex >= 30 or #charat >= 8)
}
