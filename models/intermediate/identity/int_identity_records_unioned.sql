{#
    Every staging record that says who someone is (an identifier or a name),
    in one list with its identifiers and matching attributes. The sources
    and which of their columns feed which field: identity_source_records.
    Records that name nobody stay in staging and in the facts, without a
    customer; int_identity_anonymous_records_summarised counts them.

    Name keys are compared across scripts: a name written in Chinese characters
    is keyed by its pinyin (李娜 gives li and na, as Li Na does), one
    character at a time through cjk_character_pinyin. Only short keys are
    looked at: Chinese family and given names are one to three characters.
    A first name given as a common nickname is keyed by the name it stands
    for (Bob by robert), through first_name_nicknames; a romanised key too,
    so that a name in characters still keys as its pinyin does (丹 and Dan
    both by daniel).
#}
{%- set max_romanised_name_length = 4 -%}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['source_table', 'source_record_id'],
            {
                'delivered_batch_id': 'delivered_batch_id',
                'delivered_at': 'delivered_at',
                'name_key_rules_fingerprint': 'name_key_rules_fingerprint',
            },
            identity_record_versions(),
            changes=identity_records_changed_since_built(),
            deletion_log_columns=['record_key'],
        ) }}",
    )
}}

with

{# built by version: only the records the pre-hook left to build (see macros/identity/identity_graph_incremental.sql) #}
source_records as (

    {{ identity_source_records(keys_to_build_relation() if is_incremental() else none) }}

),

named_records as (

    select
        source_records.*,
        {{ name_match_key('first_name') }} as first_name_match_key,
        {{ name_match_key('last_name') }} as last_name_match_key
    from source_records
    where source_records.is_identity_bearing

),

cjk_character_pinyin as (

    select * from {{ ref('cjk_character_pinyin') }}

),

first_name_nicknames as (

    select * from {{ ref('first_name_nicknames') }}

),

short_name_keys as (

    select first_name_match_key as name_key
    from named_records
    where length(first_name_match_key) <= {{ max_romanised_name_length }}
    union
    select last_name_match_key as name_key
    from named_records
    where length(last_name_match_key) <= {{ max_romanised_name_length }}

),

character_positions as (

    {% for position in range(1, max_romanised_name_length + 1) %}
        select {{ position }} as character_position
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

name_characters as (

    select
        short_name_keys.name_key,
        character_positions.character_position,
        substring(short_name_keys.name_key, character_positions.character_position, 1) as name_character
    from short_name_keys
    inner join character_positions
        on character_positions.character_position <= length(short_name_keys.name_key)

),

{# characters outside the table stay as they are; a key with none in it is not romanised #}
romanised_name_keys as (

    select
        name_characters.name_key,
        {{ dbt.listagg(
            'coalesce(cjk_character_pinyin.pinyin, name_characters.name_character)',
            "''",
            'order by name_characters.character_position',
        ) }} as romanised_name_key
    from name_characters
    left outer join cjk_character_pinyin
        on name_characters.name_character = cjk_character_pinyin.cjk_character
    group by name_characters.name_key
    having count(cjk_character_pinyin.pinyin) > 0

),

final as (

    select
        {{ dbt.concat(['named_records.source_table', "':'", 'named_records.source_record_id']) }} as record_key,
        named_records.source_table,
        named_records.source_record_id,
        named_records.account_id,
        named_records.email,
        {{ sha256_hex('named_records.email') }} as email_sha256,
        named_records.email_as_given,
        {{ sha256_hex('named_records.email_as_given') }} as email_as_given_sha256,
        named_records.provided_email_sha256,
        named_records.phone,
        named_records.loyalty_card_number,
        lower(named_records.social_handle) as social_handle,
        named_records.first_name,
        named_records.last_name,
        named_records.street_address,
        named_records.city,
        named_records.postal_code,
        named_records.country_code,
        named_records.gender,
        coalesce(
            first_name_nicknames.first_name,
            romanised_first_names.romanised_name_key,
            named_records.first_name_match_key
        ) as first_name_key,
        coalesce(romanised_last_names.romanised_name_key, named_records.last_name_match_key) as last_name_key,
        upper({{ regex_replace('named_records.postal_code', "'[^0-9A-Za-z]'", "''") }}) as postal_code_key,
        named_records.birth_date,
        named_records.observed_at,
        named_records.delivered_batch_id,
        named_records.delivered_at,
        {{ seeds_fingerprint(name_key_seeds()) }} as name_key_rules_fingerprint,
        {{ run_started_at_second() }} as built_at
    from named_records
    left outer join romanised_name_keys as romanised_first_names
        on named_records.first_name_match_key = romanised_first_names.name_key
    left outer join romanised_name_keys as romanised_last_names
        on named_records.last_name_match_key = romanised_last_names.name_key
    {# after romanising, so that 丹 (dan) keys as Dan does #}
    left outer join first_name_nicknames
        on
            coalesce(romanised_first_names.romanised_name_key, named_records.first_name_match_key)
            = first_name_nicknames.nickname

)

select * from final
