"""What the tests expect to be built in."""

ALL_PACKS = {
    "kz-labour",
    "kz-migration",
    "osce-kz-2006",
    "evidence",
    "icls-2018",
    "ilo-2012",
    "ilo-ec-2009",
    "ilo-11",
    "palermo",
    "typology",
    "kz-arrears",
}
