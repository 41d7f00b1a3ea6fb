// The default controls table: data, not code. Copy it with `tradescan controls`,
// edit the copy, and pass it with `--controls FILE` (replace) or `--controls +FILE`
// (extend). Facts from shared/DOMAIN.md; thresholds are the minimum-quantity rule of
// TradeScan's synthetic world (leave quantity_threshold_kg empty for "any quantity").

extension ControlsTable {
    static let defaultCSV = #"""
item_group,code_prefixes,keywords,valid_from,valid_to,destination_scope,rule,quantity_threshold_kg,source_note
gallium,8112929010;8112929090;8112999000;2850001901;2825909001;2853904030;2842909024,gallium;镓;Ga metal;Ga ingot;(Ga);Ga 4N;Ga2O3;GaN powder;GaAs;GaP;gallium nitride;gallium arsenide;gallium oxide;gallium phosphide,2023-08-01,,all,licence,50,MOFCOM/GAC announcement 2023 No. 23: gallium metal and compounds under licence from 2023-08-01
germanium,8112921010;8112921090;8112991000;2825600002,germanium;锗;Ge ingot;Ge metal;GeO2;germanium dioxide;zone refined,2023-08-01,,all,licence,50,MOFCOM/GAC announcement 2023 No. 23: germanium metal and compounds under licence from 2023-08-01
graphite,3801100030;3801909010;2504101000;3824999940,graphite;石墨;spherical graphite;spheroidized graphite;flake graphite;expandable graphite;expanded graphite,2023-12-01,,all,licence,2000,MOFCOM/GAC announcement 2023 No. 39: high-purity artificial and natural flake/spherical/expanded graphite from 2023-12-01
antimony,2617101000;2617109001;2830902000;8110101000;8110102000;8110200000;8110900000;2825800010,antimony;锑;Sb ingot;Sb2O3;Sb2S3;stibium;stibnite;antimony trioxide;antimony regulus,2024-09-15,,all,licence,1000,MOFCOM/GAC announcement 2024 No. 33: antimony ores; metal; oxides from 2024-09-15
superhard,8479899956;8479909020;710510,diamond micropowder;diamond powder;diamond dust;金刚石;superhard;cubic press;polycrystalline diamond;micron diamond,2024-09-15,,all,licence,10,MOFCOM/GAC announcement 2024 No. 33: superhard materials (cubic presses and parts; diamond micropowder) from 2024-09-15; 7102/7104 unconfirmed
rare_earths,2805301200;2805301300;2805301700;2805301800;2805301910;2846901993,dysprosium;terbium;samarium;gadolinium;lutetium;scandium;yttrium;镝;铽;钐;钆;镥;钪;钇;Dy2O3;Tb4O7;Y2O3;Sc2O3;Sm2O3;Gd2O3;Lu2O3;heavy rare earth;Dy/Tb;SmCo;Sm-Co,2025-04-04,,all,licence,100,MOFCOM/GAC announcement 2025 No. 18: Sm Gd Tb Dy Lu Sc Y metals alloys oxides compounds from 2025-04-04
gallium,8112929010;8112929090;8112999000;2850001901;2825909001;2853904030;2842909024,,2024-12-03,2025-11-08,US,banned,,MOFCOM announcement 2024 No. 46: exports to the United States in principle not permitted from 2024-12-03; suspended 2025-11-09 to 2026-11-27
germanium,8112921010;8112921090;8112991000;2825600002,,2024-12-03,2025-11-08,US,banned,,MOFCOM announcement 2024 No. 46 (US clause suspended 2025-11-09 to 2026-11-27)
antimony,2617101000;2617109001;2830902000;8110101000;8110102000;8110200000;8110900000;2825800010,,2024-12-03,2025-11-08,US,banned,,MOFCOM announcement 2024 No. 46 (US clause suspended 2025-11-09 to 2026-11-27)
superhard,8479899956;8479909020;710510,,2024-12-03,2025-11-08,US,banned,,MOFCOM announcement 2024 No. 46 (US clause suspended 2025-11-09 to 2026-11-27)
gallium,8112929010;8112929090;8112999000;2850001901;2825909001;2853904030;2842909024,,2026-11-28,,US,banned,,US clause after its suspension ends (unconfirmed: verify before relying on it)
germanium,8112921010;8112921090;8112991000;2825600002,,2026-11-28,,US,banned,,US clause after its suspension ends (unconfirmed)
antimony,2617101000;2617109001;2830902000;8110101000;8110102000;8110200000;8110900000;2825800010,,2026-11-28,,US,banned,,US clause after its suspension ends (unconfirmed)
superhard,8479899956;8479909020;710510,,2026-11-28,,US,banned,,US clause after its suspension ends (unconfirmed)
"""#
}
