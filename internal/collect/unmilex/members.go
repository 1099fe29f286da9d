package unmilex

import "strings"

// members are the ISO 3166-1 alpha-3 codes of the 193 member states of the
// United Nations, the states the UN Report on Military Expenditures asks to
// report. The registry in internal/country also holds states that are not
// members (Holy See, Kosovo, Palestine, Taiwan), so the list is kept here.
// South Sudan (2011) is the latest state admitted.
const members = "" +
	"AFG AGO ALB AND ARE ARG ARM ATG AUS AUT AZE BDI BEL BEN BFA BGD " +
	"BGR BHR BHS BIH BLR BLZ BOL BRA BRB BRN BTN BWA CAF CAN CHE CHL " +
	"CHN CIV CMR COD COG COL COM CPV CRI CUB CYP CZE DEU DJI DMA DNK " +
	"DOM DZA ECU EGY ERI ESP EST ETH FIN FJI FRA FSM GAB GBR GEO GHA " +
	"GIN GMB GNB GNQ GRC GRD GTM GUY HND HRV HTI HUN IDN IND IRL IRN " +
	"IRQ ISL ISR ITA JAM JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO " +
	"LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAR MCO MDA MDG MDV MEX " +
	"MHL MKD MLI MLT MMR MNE MNG MOZ MRT MUS MWI MYS NAM NER NGA NIC " +
	"NLD NOR NPL NRU NZL OMN PAK PAN PER PHL PLW PNG POL PRK PRT PRY " +
	"QAT ROU RUS RWA SAU SDN SEN SGP SLB SLE SLV SMR SOM SRB SSD STP " +
	"SUR SVK SVN SWE SWZ SYC SYR TCD TGO THA TJK TKM TLS TON TTO TUN " +
	"TUR TUV TZA UGA UKR URY USA UZB VCT VEN VNM VUT WSM YEM ZAF ZMB " +
	"ZWE"

// Members returns the ISO 3166-1 alpha-3 codes of the UN member states,
// sorted. The slice is a copy.
func Members() []string { return strings.Fields(members) }
