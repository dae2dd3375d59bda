{#
    A key for comparing person names: lower case, no accents, letters and
    digits only. Every engine decomposes accented letters and drops what is
    not a letter (L) or decimal digit (Nd) - the accents themselves are
    combining marks - so the engines agree on Latin, Greek, Cyrillic, CJK,
    kana and Hangul. Final sigma is folded, as case folding does.
#}
{% macro name_match_key(expression) -%}
    {{ return(adapter.dispatch('name_match_key', 'customer360')(expression)) }}
{%- endmacro %}

{#
    Spark has no Unicode normalisation function, so accented letters are
    mapped to their base letter from an explicit list: every letter of Latin-1
    Supplement, Latin Extended-A/B, Latin Extended Additional (Vietnamese),
    Greek and Cyrillic with a canonical decomposition, mapped to the first
    character of that decomposition (what strip_accents gives). Letters
    without one (ø, ł, đ, æ, ß) stay, as on the other engines.
#}
{% macro default__name_match_key(expression) -%}
    {%- set accented = 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊ'
        ~ 'ċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚś'
        ~ 'ŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪ'
        ~ 'ǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳʹΆΈΉ'
        ~ 'ΊΌΎΏΐΪΫάέήίΰϊϋόύώϓϔЀЁЃЇЌЍЎЙйѐёѓїќѝўѶѷӁӂӐӑӒӓӖӗӚӛӜӝӞӟӢӣӤӥӦӧӪӫӬӭӮӯӰ'
        ~ 'ӱӲӳӴӵӸӹḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸ'
        ~ 'ḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸ'
        ~ 'ṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽ'
        ~ 'ẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ' -%}
    {%- set unaccented = 'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcC'
        ~ 'cCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSs'
        ~ 'SsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkO'
        ~ 'oOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyʹΑΕΗ'
        ~ 'ΙΟΥΩιΙΥαεηιυιυουωϒϒЕЕГІКИУИиеегікиуѴѵЖжАаАаЕеӘәЖжЗзИиИиОоӨөЭэУуУ'
        ~ 'уУуЧчЫыAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlL'
        ~ 'lLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuU'
        ~ 'uUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaEeEeEe'
        ~ 'EeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy' -%}
    nullif(
        replace(
            regexp_replace(lower(translate({{ expression }}, '{{ accented }}', '{{ unaccented }}')), '[^\\p{L}\\p{Nd}]', ''),
            'ς',
            'σ'
        ),
        ''
    )
{%- endmacro %}

{# strip_accents decomposes and drops the marks; RE2 knows the Unicode classes. #}
{% macro duckdb__name_match_key(expression) -%}
    nullif(replace(regexp_replace(lower(strip_accents({{ expression }})), '[^\p{L}\p{Nd}]', '', 'g'), 'ς', 'σ'), '')
{%- endmacro %}

{#
    No extension needed: NFD splits accents off as combining marks, which are
    not letters and so go with the punctuation; NFC then recomposes what NFD
    split without marks (Hangul). The ICU collation gives [:alpha:] and lower()
    the Unicode letter classes whatever the database locale (libc's also
    counts many marks and circled letters as alphabetic).
#}
{% macro postgres__name_match_key(expression) -%}
    nullif(
        replace(
            lower(normalize(regexp_replace(normalize(cast({{ expression }} as text), nfd) collate "und-x-icu", '[^[:alpha:][:digit:]]', '', 'g'), nfc)),
            'ς',
            'σ'
        ),
        ''
    )
{%- endmacro %}
