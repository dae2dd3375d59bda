{#
    One row per identifier value with the evidence for and against using it to
    link records. A value is not used when it is blocked (a placeholder from
    staging's list or a pattern from identity_blocked_identifiers) or when it
    links more records, first names or email owners than its type allows in
    identity_identifier_rules: such a value is shared, not personal. Owners,
    not addresses, are counted: a person's second address on a guest checkout
    does not make their phone a household's (email_owner_key in
    int_identity_identifiers_unpivoted), and an owner whose address is an
    initial and a family name (wthompson@) is not counted next to an owner
    who spells that name out (william.thompson@). A blocked address owns
    nothing: the shop's receipt mailbox typed in at the till next to a
    customer's phone is not a second owner of that phone. Likewise a name
    given the wrong way round is not a second first name: the first-name guard
    fires only when the full names, read either way round, are too many as
    well.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['identifier_type', 'identifier_value'],
            {
                'identifier_rows_fingerprint': 'identifier_rows_fingerprint',
                'guard_rules_fingerprint': 'guard_rules_fingerprint',
            },
            identifier_value_versions(),
            changes=identifier_values_changed_since_built(),
        ) }}",
    )
}}

with

all_identifiers as {{ not_materialized() }} (

    select * from {{ ref('int_identity_identifiers_unpivoted') }}

),

{# built by version: only the values without a row (see macros/identity/identity_graph_incremental.sql) #}
identifiers as (

    select *
    from all_identifiers
    where {{ is_key_to_build(['identifier_type', 'identifier_value'], 'all_identifiers', is_incremental()) }}

),

identifier_rules as (

    select * from {{ ref('identity_identifier_rules') }}

),

blocked_identifiers as (

    select * from {{ ref('identity_blocked_identifiers') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

{# staging keeps placeholders (flagged); matching must never use them #}
blocked_patterns as (

    select
        identifier_type,
        blocked_pattern,
        block_reason
    from blocked_identifiers
    union all
    select
        identifier_type,
        placeholder_value as blocked_pattern,
        'placeholder' as block_reason
    from identifier_placeholders

),

{# emails are matched by hash: compare exact blocked values in that form too #}
exact_blocked_values as (

    select
        identifier_type,
        case
            when identifier_type = 'email' then {{ sha256_hex('blocked_pattern') }}
            else blocked_pattern
        end as identifier_value,
        block_reason
    from blocked_patterns
    where {{ dbt.position("'%'", 'blocked_pattern') }} = 0

),

wildcard_blocked_patterns as (

    select * from blocked_patterns
    where {{ dbt.position("'%'", 'blocked_pattern') }} > 0

),

value_totals as (

    select
        identifier_type,
        identifier_value,
        max(clear_value) as clear_value,
        count(*) as linked_records,
        {# the record the value links the others to (int_identity_links_unioned): a star, not pairs #}
        min(record_key) as anchor_record_key,
        {{ group_fingerprint(identifier_version_columns()) }} as identifier_rows_fingerprint
    from identifiers
    group by identifier_type, identifier_value

),

{#
    The values whose being blocked matters: those judged here and the
    addresses their rows carry, whose owners are not counted when blocked.
    In a full build the first include the second; a daily build looks the
    addresses up. A value's clear text, which wildcard patterns read, comes
    with the record that carries it, so it does not change while the value's
    rows stay as they are.
#}
candidate_values as (

    select
        identifier_type,
        identifier_value,
        clear_value
    from value_totals
    {% if is_incremental() %}
        union
        select
            identifier_type,
            identifier_value,
            max(clear_value) as clear_value
        from all_identifiers
        where
            identifier_type = 'email'
            and identifier_value in (select identifiers.email_key from identifiers)
        group by identifier_type, identifier_value
    {% endif %}

),

blocked_values as (

    select
        identifier_type,
        identifier_value,
        min(block_reason) as block_reason
    from (
        select
            identifier_type,
            identifier_value,
            block_reason
        from exact_blocked_values
        union all
        select
            candidate_values.identifier_type,
            candidate_values.identifier_value,
            wildcard_blocked_patterns.block_reason
        from candidate_values
        inner join wildcard_blocked_patterns
            on
                candidate_values.identifier_type = wildcard_blocked_patterns.identifier_type
                and candidate_values.clear_value like wildcard_blocked_patterns.blocked_pattern
    ) as blocked
    group by identifier_type, identifier_value

),

{# emails are keyed by their hash (email_key), which is how blocked emails are listed too #}
blocked_emails as (

    select identifier_value as email_key
    from blocked_values
    where identifier_type = 'email'

),

owner_counted_identifiers as {{ not_materialized() }} (

    select
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.first_name_key,
        identifiers.full_name_key,
        identifiers.email_key,
        case when blocked_emails.email_key is null then identifiers.email_owner_key end as email_owner_key,
        case when blocked_emails.email_key is null then identifiers.email_owner_letters end as email_owner_letters
    from identifiers
    left outer join blocked_emails
        on identifiers.email_key = blocked_emails.email_key

),

value_distinct_counts as (

    {{ distinct_counts('owner_counted_identifiers', ['identifier_type', 'identifier_value'], {
        'linked_first_names': 'first_name_key',
        'linked_full_names': 'full_name_key',
        'linked_emails': 'email_key',
        'linked_email_owners': 'email_owner_key',
    }) }}

),

{# the values whose owners outnumber their rule get a second look, below #}
values_with_many_owners as (

    select
        value_distinct_counts.identifier_type,
        value_distinct_counts.identifier_value
    from value_distinct_counts
    inner join identifier_rules
        on value_distinct_counts.identifier_type = identifier_rules.identifier_type
    where value_distinct_counts.linked_email_owners > identifier_rules.max_linked_email_owners

),

value_owners as (

    select
        owner_counted_identifiers.identifier_type,
        owner_counted_identifiers.identifier_value,
        owner_counted_identifiers.email_owner_key,
        min(owner_counted_identifiers.email_owner_letters) as email_owner_letters
    from owner_counted_identifiers
    inner join values_with_many_owners
        on
            owner_counted_identifiers.identifier_type = values_with_many_owners.identifier_type
            and owner_counted_identifiers.identifier_value = values_with_many_owners.identifier_value
    where owner_counted_identifiers.email_owner_letters is not null
    group by
        owner_counted_identifiers.identifier_type,
        owner_counted_identifiers.identifier_value,
        owner_counted_identifiers.email_owner_key

),

{# an owner whose letters another owner of the value spells out (wthompson, williamthompson) is that owner #}
abbreviated_owners as (

    select
        short_owners.identifier_type,
        short_owners.identifier_value,
        count(distinct short_owners.email_owner_key) as abbreviated_owners
    from value_owners as short_owners
    inner join value_owners as long_owners
        on
            short_owners.identifier_type = long_owners.identifier_type
            and short_owners.identifier_value = long_owners.identifier_value
    where {{ is_initial_and_family_name('short_owners.email_owner_letters', 'long_owners.email_owner_letters') }}
    group by short_owners.identifier_type, short_owners.identifier_value

),

value_counts as (

    select
        value_totals.identifier_type,
        value_totals.identifier_value,
        value_totals.clear_value,
        value_totals.linked_records,
        value_totals.anchor_record_key,
        value_distinct_counts.linked_first_names,
        value_distinct_counts.linked_full_names,
        value_distinct_counts.linked_emails,
        value_distinct_counts.linked_email_owners
        - coalesce(abbreviated_owners.abbreviated_owners, 0) as linked_email_owners,
        value_totals.identifier_rows_fingerprint
    from value_totals
    inner join value_distinct_counts
        on
            value_totals.identifier_type = value_distinct_counts.identifier_type
            and value_totals.identifier_value = value_distinct_counts.identifier_value
    left outer join abbreviated_owners
        on
            value_totals.identifier_type = abbreviated_owners.identifier_type
            and value_totals.identifier_value = abbreviated_owners.identifier_value

),

judged as (

    select
        value_counts.identifier_type,
        value_counts.identifier_value,
        value_counts.clear_value,
        value_counts.linked_records,
        value_counts.anchor_record_key,
        value_counts.linked_first_names,
        value_counts.linked_full_names,
        value_counts.linked_emails,
        value_counts.linked_email_owners,
        value_counts.identifier_rows_fingerprint,
        case
            when not coalesce(identifier_rules.is_matching_enabled, false) then 'matching_disabled'
            when blocked_values.block_reason is not null then 'blocked_' || blocked_values.block_reason
            when value_counts.linked_records > identifier_rules.max_linked_records then 'too_many_records'
            when
                value_counts.linked_first_names > identifier_rules.max_linked_first_names
                and value_counts.linked_full_names > identifier_rules.max_linked_first_names
                then 'too_many_first_names'
            when value_counts.linked_email_owners > identifier_rules.max_linked_email_owners
                then 'too_many_email_owners'
        end as guard_reason
    from value_counts
    left outer join identifier_rules
        on value_counts.identifier_type = identifier_rules.identifier_type
    left outer join blocked_values
        on
            value_counts.identifier_type = blocked_values.identifier_type
            and value_counts.identifier_value = blocked_values.identifier_value

),

final as (

    select
        identifier_type,
        identifier_value,
        clear_value,
        guard_reason,
        linked_records,
        linked_first_names,
        linked_full_names,
        linked_emails,
        linked_email_owners,
        guard_reason is null as is_usable_for_matching,
        anchor_record_key,
        identifier_rows_fingerprint,
        {{ seeds_fingerprint(guard_rule_seeds()) }} as guard_rules_fingerprint,
        {{ run_started_at_second() }} as built_at
    from judged

)

select * from final
