// Qakbot core DLLs: the resource names its encrypted configuration and C2 list are stored under, and the
// strings its RC4 keys are derived from (see rules/qakbot-keys.yaml for the sources). Resource names are
// counted UTF-16 strings in the resource section: the length word precedes the characters.

rule TB_Qakbot_Config_Resource_Names
{
    meta:
        title = "PE with resource names Qakbot stores its configuration and C2 list under"
        score = 400
        attack = "T1027"
        description = "Two or more of the 8-hex-digit or BABA/EBBA resource names of Qakbot core builds (2022-2023)."
    strings:
        $n1 = { 08 00 32 00 36 00 46 00 35 00 31 00 37 00 41 00 42 00 }  // "26F517AB"
        $n2 = { 08 00 31 00 38 00 32 00 37 00 30 00 44 00 32 00 45 00 }  // "18270D2E"
        $n3 = { 04 00 45 00 42 00 42 00 41 00 }                          // "EBBA"
        $n4 = { 04 00 42 00 41 00 42 00 41 00 }                          // "BABA"
        $n5 = { 08 00 33 00 43 00 39 00 31 00 45 00 35 00 33 00 39 00 }  // "3C91E539"
        $n6 = { 08 00 38 00 39 00 32 00 39 00 30 00 41 00 46 00 39 00 }  // "89290AF9"
        $n7 = { 08 00 33 00 43 00 39 00 31 00 45 00 36 00 33 00 39 00 }  // "3C91E639"
        $n8 = { 08 00 38 00 39 00 32 00 31 00 30 00 41 00 46 00 39 00 }  // "89210AF9"
    condition:
        uint16(0) == 0x5A4D and 2 of them
}

rule TB_Qakbot_Key_Strings
{
    meta:
        title = "Qakbot RC4 key-derivation strings"
        score = 700
        attack = "T1027"
        description = "Strings Qakbot hashes with SHA1 to decrypt its configuration; the misspelled PowerShell path and the two-layer passphrases appear in no legitimate file."
    strings:
        $k1 = "\\System32\\WindowsPowerShel1\\v1.0\\powershel1.exe" ascii wide
        $k2 = "Muhcu#YgcdXubYBu2@2ub4fbUhuiNhyVtcd" ascii wide
        $k3 = "bUdiuy81gYguty@4frdRdpfko(eKmudeuMncueaN" ascii wide
    condition:
        any of them
}
