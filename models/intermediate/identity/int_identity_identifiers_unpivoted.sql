{#
    One row per (record, identifier): the long form that matching groups by.
    An email is matched through its SHA-256 so that enrichment profiles that
    only share a hashed address join the same way as clear ones. Providers
    hash the address as given (a Gmail address with its dots), so where
    canonicalisation changed an address its as-given hash is matched too; a
    provided hash equal to one computed from the clear address is not
    repeated.

    email_owner_key tells the phone guard whose addresses a phone's records
    carry. People keep several addresses spelt from their name (ann.lee@,
    annlee82@, lee.ann@): addresses whose local parts hold the same letters,
    in any order, count as one owner. A local part with fewer than four
    letters (digits-only mailboxes are common) says too little, and such an
    address, like a hash-only one, is its own owner. Sorting letters is the
    dearest step here, so owner keys are given only to identifiers whose rule
    in identity_identifier_rules counts owners (max_linked_email_owners).
    email_owner_letters keeps the letters in their order for the guard, which
    also sees an initial and a family name (wthompson@) as the owner of the
    same name spelt out (william.thompson@).

    full_name_key lets the first-name guard see a swapped name (Bouchet
    Adrien for Adrien Bouchet) as the same name: the two name keys in
    alphabetical order.
#}
{%- set text_null = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set local_part_letters = customer360.regex_replace(customer360.email_local_part('email'), "'[^a-z]'", "''") -%}
{%- set identifier_columns = [
    {'type': 'account_id', 'value': 'account_id', 'clear_column': 'account_id'},
    {'type': 'email', 'value': 'email_sha256', 'clear_column': 'email'},
    {'type': 'email', 'value': 'email_as_given_sha256', 'clear_column': 'email_as_given'},
    {'type': 'email', 'value': 'provided_email_sha256', 'clear_column': text_null,
     'also': "provided_email_sha256 <> coalesce(email_sha256, '') and provided_email_sha256 <> coalesce(email_as_given_sha256, '')"},
    {'type': 'phone', 'value': 'phone', 'clear_column': 'phone'},
    {'type': 'loyalty_card_number', 'value': 'loyalty_card_number', 'clear_column': 'loyalty_card_number'},
    {'type': 'social_handle', 'value': 'social_handle', 'clear_column': 'social_handle'},
] -%}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['record_key'],
            {'record_built_at': 'record_built_at', 'identifier_rules_fingerprint': 'identifier_rules_fingerprint'},
            identity_identifier_versions(),
            changes=identifiers_changed_since_built(),
            deletion_log_columns=['identifier_type', 'identifier_value', 'record_key'],
        ) }}",
    )
}}

with

{#
    Built by version (see macros/identity/identity_graph_incremental.sql): only
    the records written after the latest record these rows were derived from.
    A record whose rows the pre-hook deleted was written again since, and a
    record written since has no rows yet, so no anti-join over every record
    is needed. (A record without identifiers gives no rows and is looked at
    again, to no effect, until a later record is.)
#}
records as (

    select *
    from {{ ref('int_identity_records_unioned') }}
    {% if is_incremental() %}
        where built_at > {{ latest_mark(this, 'record_built_at') }}
    {% endif %}

),

keyed_records as (

    select
        records.*,
        coalesce(records.email_sha256, records.provided_email_sha256) as email_key
    from records

),

owned_records as (

    select
        keyed_records.*,
        case when length({{ local_part_letters }}) >= 4 then {{ local_part_letters }} end as email_owner_letters,
        case
            when keyed_records.first_name_key is not null and keyed_records.last_name_key is not null
                then {{ dbt.concat([
                    'least(keyed_records.first_name_key, keyed_records.last_name_key)', "'|'",
                    'greatest(keyed_records.first_name_key, keyed_records.last_name_key)',
                ]) }}
            else keyed_records.first_name_key
        end as full_name_key
    from keyed_records

),

identifier_rules as (

    select * from {{ ref('identity_identifier_rules') }}

),

unpivoted as (

    {% for column in identifier_columns %}
        select
            record_key,
            '{{ column.type }}' as identifier_type,
            {{ column.value }} as identifier_value,
            {{ column.clear_column }} as clear_value,
            first_name_key,
            full_name_key,
            email_key,
            email_owner_letters,
            built_at
        from owned_records
        where {{ column.value }} is not null{% if column.also %} and {{ column.also }}{% endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        unpivoted.record_key,
        unpivoted.identifier_type,
        unpivoted.identifier_value,
        unpivoted.clear_value,
        unpivoted.first_name_key,
        unpivoted.full_name_key,
        unpivoted.email_key,
        case
            when identifier_rules.max_linked_email_owners is null then null
            when unpivoted.email_owner_letters is not null
                then {{ dbt.concat(["'letters:'", customer360.sorted_characters('unpivoted.email_owner_letters')]) }}
            else unpivoted.email_key
        end as email_owner_key,
        case
            when identifier_rules.max_linked_email_owners is not null then unpivoted.email_owner_letters
        end as email_owner_letters,
        unpivoted.built_at as record_built_at,
        {{ seeds_fingerprint(identifier_rule_seeds()) }} as identifier_rules_fingerprint,
        {# a changed rules seed rewrites the rows of records that were not written again #}
        {{ run_started_at_second() }} as built_at
    from unpivoted
    left outer join identifier_rules
        on unpivoted.identifier_type = identifier_rules.identifier_type

)

select * from final
