{#
    The identity graph is built by version: a daily build recomputes only the
    rows whose inputs changed and keeps every other row. See
    docs/identity_resolution.md, "Built by version".

    Every such model stores, on each of its rows, the version of the input the
    row was computed from: for a record, the delivery its current staging row
    came in; for a record's identifiers, when the record's row was written;
    for an identifier value, a fingerprint of the identifier rows that carry
    it; and, on every row, a digest of the seeds its rules come from. Before
    an incremental build, the rows whose version no longer stands are deleted
    (the pre-hook, inside the model's transaction); the build then computes
    every input that has no row left. Both steps compare the model with its
    own content, so a build that failed or never ran is caught up by the next.
    The two steps are macros/incremental/rows_by_version.sql; this file says
    what a version is for each model.
#}

{% macro name_key_seeds() %}
    {#- The seeds a record's name keys are derived from, with their columns. -#}
    {{- return({
        'cjk_character_pinyin': ['cjk_character', 'pinyin'],
        'first_name_nicknames': ['nickname', 'first_name'],
    }) -}}
{% endmacro %}


{% macro identity_record_versions(record_keys=none) %}
    {#- The version of every identity-bearing source record, as a parenthesised
        query: the delivery its current staging row came in and the digest of
        the name-key seeds. int_identity_records_unioned stores the same on
        each row. A social interaction's handle counts once any interaction
        shows it with an email, without a new delivery of this one; but an
        interaction names someone only by its email or by such a handle, so it
        becomes an identity record, or stops being one, as its handle does.
        `record_keys`: a relation of source_table and source_record_id, the
        only records read when given. -#}
    (
        select
            source_table,
            source_record_id,
            delivered_batch_id,
            delivered_at,
            {{ customer360.seeds_fingerprint(customer360.name_key_seeds()) }} as name_key_rules_fingerprint
        from ({{ customer360.identity_source_records(record_keys) }}) as source_records
        where is_identity_bearing
    )
{%- endmacro %}


{% macro identity_records_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        int_identity_records_unioned's pre-hook. A record's version is read
        from its current staging row, which is its base model's current
        version (staging views are `where is_current_version`): it can change
        only with a row of that record written by the base model since (a new
        version, a row whose flags were computed again) or deleted since (a
        replaced delivery), which the base models log by record id. A social
        interaction also becomes an identity record, or stops being one, as
        its handle is seen with an email or no longer: the interactions of
        every handle with a row written or deleted since are compared too.
        Complete while every base model's log covers that time and the
        name-key rules are those the rows store. -#}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {%- set interactions = ref('base_social__interactions') -%}
    {%- set base_models = [] -%}
    {%- set keys -%}
        {#- the interactions' stamps and log read once, for their ids and their handles -#}
        with social_changes as (

            {{ customer360.written_or_deleted_since(interactions, ['interaction_id', 'handle'], since) }}

        )

        {%- for source in customer360.identity_sources() %}
        {%- set base_model = ref(source.model | replace('stg_', 'base_', 1)) %}
        {%- do base_models.append(base_model) %}
        {%- if base_model.identifier != interactions.identifier %}
        select '{{ source.source_table }}' as source_table, changed.{{ source.record_id }} as source_record_id
        from ({{ customer360.written_or_deleted_since(base_model, [source.record_id], since) }}) as changed
        union
        {%- endif %}
        {%- endfor %}
        select 'social_interactions' as source_table, social_changes.interaction_id as source_record_id
        from social_changes
        union
        select 'social_interactions' as source_table, interactions.interaction_id as source_record_id
        from {{ interactions }} as interactions
        where interactions.handle in (select social_changes.handle from social_changes)
    {%- endset -%}
    {{ return({
        'keys': keys,
        'versions': customer360.identity_record_versions(customer360.changed_keys_relation()),
        'complete': customer360.deletion_logs_cover(base_models, since) ~ ' and '
            ~ customer360.rules_stand('name_key_rules_fingerprint', customer360.name_key_seeds()),
    }) }}
{%- endmacro %}


{% macro identifier_rule_seeds() %}
    {#- The seed that says how identifiers are keyed, with its columns. -#}
    {{- return({
        'identity_identifier_rules': [
            'identifier_type', 'is_matching_enabled', 'max_linked_records', 'max_linked_first_names',
            'max_linked_email_owners',
        ],
    }) -}}
{% endmacro %}


{% macro guard_rule_seeds() %}
    {#- The seeds that say when an identifier value is guarded, with their columns. -#}
    {%- set seeds = customer360.identifier_rule_seeds() -%}
    {%- do seeds.update({
        'identity_blocked_identifiers': ['identifier_type', 'blocked_pattern', 'block_reason'],
        'identifier_placeholders': ['identifier_type', 'placeholder_value'],
    }) -%}
    {{- return(seeds) -}}
{% endmacro %}


{% macro identity_identifier_versions(record_filter='true') %}
    {#- The version of every record's identifiers, as a parenthesised query:
        when the record's row was written, and the digest of the identifier
        rules seed. int_identity_identifiers_unpivoted stores the same on each
        row. `record_filter`: a predicate on an unqualified record_key. -#}
    (
        select
            record_key,
            built_at as record_built_at,
            {{ customer360.seeds_fingerprint(customer360.identifier_rule_seeds()) }} as identifier_rules_fingerprint
        from {{ ref('int_identity_records_unioned') }}
        where {{ record_filter }}
    )
{%- endmacro %}


{% macro identifiers_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        int_identity_identifiers_unpivoted's pre-hook: the records written or
        deleted since the model last wrote. Complete while the records' log
        covers that time and the identifier rules are those the rows store. -#}
    {%- set records = ref('int_identity_records_unioned') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {{ return({
        'keys': customer360.written_or_deleted_since(records, ['record_key'], since),
        'versions': customer360.identity_identifier_versions(customer360.is_changed_key(['record_key'])),
        'complete': customer360.deletion_log_covers(records, since) ~ ' and '
            ~ customer360.rules_stand('identifier_rules_fingerprint', customer360.identifier_rule_seeds()),
    }) }}
{%- endmacro %}


{% macro identifier_version_columns() %}
    {#- What an identifier value's verdict is computed from, row by row: which
        records carry it, in which version. (The rules are in
        guard_rules_fingerprint.) -#}
    {{- return(['record_key', 'record_built_at']) -}}
{% endmacro %}


{% macro identifier_value_versions(value_filter='true') %}
    {#- The version of every identifier value, as a parenthesised query: a
        fingerprint of the identifier rows that carry it (see
        identifier_version_columns) and the digest of the guard rule seeds.
        int_identity_identifiers_guarded stores the same on each row.
        `value_filter`: a predicate on unqualified identifier_type and
        identifier_value, applied before the grouping. -#}
    (
        select
            identifier_type,
            identifier_value,
            {{ customer360.group_fingerprint(customer360.identifier_version_columns()) }}
                as identifier_rows_fingerprint,
            {{ customer360.seeds_fingerprint(customer360.guard_rule_seeds()) }} as guard_rules_fingerprint
        from {{ ref('int_identity_identifiers_unpivoted') }}
        where {{ value_filter }}
        group by identifier_type, identifier_value
    )
{%- endmacro %}


{% macro identifier_values_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        int_identity_identifiers_guarded's pre-hook: the values of the
        identifier rows written or deleted since the model last wrote.
        Complete while the identifier rows' log covers that time and the
        guard rules are those the rows store. -#}
    {%- set identifiers = ref('int_identity_identifiers_unpivoted') -%}
    {%- set value_columns = ['identifier_type', 'identifier_value'] -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {{ return({
        'keys': customer360.written_or_deleted_since(identifiers, value_columns, since),
        'versions': customer360.identifier_value_versions(customer360.is_changed_key(value_columns)),
        'complete': customer360.deletion_log_covers(identifiers, since) ~ ' and '
            ~ customer360.rules_stand('guard_rules_fingerprint', customer360.guard_rule_seeds()),
    }) }}
{%- endmacro %}


{% macro link_columns() %}
    {#- The columns of a link, which are also its key. -#}
    {{- return(['record_key', 'linked_record_key', 'link_kind', 'link_rule']) -}}
{% endmacro %}


{% macro delete_links_no_longer_made() %}
    {#- Pre-hook of int_identity_links_unioned, built by row: compares the
        links made now (identity_links) with the stored ones, a link being its
        own key; a daily build, only those links_changed_since_built names.
        The links no longer made are deleted, and logged by both ends for the
        clusters; those not stored yet are left in keys_to_build for the
        build to add. -#}
    {%- if is_incremental() %}
        {{- customer360.stop_if_version_columns_missing({'built_at': 'built_at'}) }}
    {%- endif %}
    {{ customer360.delete_rows_of_outdated_versions(
        customer360.link_columns(),
        {},
        customer360.identity_links(),
        changes=customer360.links_changed_since_built(),
        deletion_log_columns=['record_key', 'linked_record_key'],
    ) }}
{% endmacro %}


{% macro links_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        int_identity_links_unioned's pre-hook. An exact link (record, the
        anchor of a value it carries, the value's type) is made from the
        record's identifier rows and the guard rows of their values alone; so
        the exact links that may have changed since the model last wrote are
        those of the records whose identifier rows were written or deleted
        since, and of the records carrying a value whose guard row was written
        since (its anchor or its verdict may have moved; a value that left
        every record left with its records' rows). Those records' exact links
        are compared; fuzzy and reference links, few, and read from a table
        and a view rebuilt whole, are all compared. Complete while the
        identifier rows' log covers that time (a value's guard row is
        written again whenever its rows or the guard rules change). -#}
    {%- set identifiers = ref('int_identity_identifiers_unpivoted') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {%- set is_changed_record = customer360.is_changed_key(['record_key']) -%}
    {%- set keys -%}
        {{ customer360.written_or_deleted_since(identifiers, ['record_key'], since) }}
        union
        select carriers.record_key
        from {{ identifiers }} as carriers
        inner join {{ ref('int_identity_identifiers_guarded') }} as guarded_values
            on
                carriers.identifier_type = guarded_values.identifier_type
                and carriers.identifier_value = guarded_values.identifier_value
        where guarded_values.built_at > {{ since }}
    {%- endset -%}
    {{ return({
        'keys': keys,
        'versions': customer360.identity_links(is_changed_record),
        'built_filter': "(link_kind <> 'exact' or " ~ is_changed_record ~ ")",
        'complete': customer360.deletion_log_covers(identifiers, since),
    }) }}
{%- endmacro %}


{% macro record_links_fingerprints(record_filter='true') %}
    {#- A parenthesised query: for every identity record with links that
        passes `record_filter` (a predicate on an unqualified record_key
        column), the group_fingerprint of the link rows that end at it, in
        either direction. The filter applies before the grouping, so that a
        daily build hashes only the link ends of the records it computes
        (1,000,000 customers, 7.5 M link ends: 1.6 s to 0.4 s for the
        clusters' query of a day with nothing new). -#}
    (
        select
            record_key,
            {{ customer360.group_fingerprint(['linked_record_key', 'link_kind', 'link_rule']) }} as links_fingerprint
        from (
            select record_key, linked_record_key, link_kind, link_rule
            from {{ ref('int_identity_links_unioned') }}
            union all
            select linked_record_key as record_key, record_key as linked_record_key, link_kind, link_rule
            from {{ ref('int_identity_links_unioned') }}
        ) as link_ends
        where {{ record_filter }}
        group by record_key
    )
{%- endmacro %}


{% macro record_without_links_fingerprint() %}
    {#- The links_fingerprint of a record without links. -#}
    '0:0'
{%- endmacro %}


{% macro record_link_versions(record_filter='true') %}
    {#- The version of every record's place in the graph, as a parenthesised
        query: its record_links_fingerprints row (record_without_links_fingerprint
        for a record without links) and the number of label passes (var
        identity_label_passes). int_identity_clusters_resolved stores the same
        on each row. `record_filter`: a predicate on an unqualified
        record_key, applied to the records and to the link ends. -#}
    (
        select
            records.record_key,
            coalesce(linked.links_fingerprint, {{ customer360.record_without_links_fingerprint() }}) as links_fingerprint,
            {{ var('identity_label_passes') | int }} as label_passes
        from (
            select record_key
            from {{ ref('int_identity_records_unioned') }}
            where {{ record_filter }}
        ) as records
        left outer join {{ customer360.record_links_fingerprints(record_filter) }} as linked
            on records.record_key = linked.record_key
    )
{%- endmacro %}


{% macro record_links_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        int_identity_clusters_resolved's pre-hook: the records at either end
        of a link written or deleted since the model last wrote, and the
        records deleted since (a record that leaves the graph leaves its
        cluster; a new one has no row and is built anyway). Complete while
        both deletion logs cover that time and every row was computed with
        the label passes of now. -#}
    {%- set links = ref('int_identity_links_unioned') -%}
    {%- set records = ref('int_identity_records_unioned') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {{ return({
        'keys': customer360.written_or_deleted_since(links, ['record_key'], since)
            ~ ' union ' ~ customer360.written_or_deleted_since(links, ['linked_record_key'], since)
            ~ ' union ' ~ customer360.deletions_since(records, ['record_key'], since),
        'versions': customer360.record_link_versions(customer360.is_changed_key(['record_key'])),
        'complete': customer360.deletion_logs_cover([links, records], since) ~ ' and not exists (select 1 from ' ~ this
            ~ ' where label_passes <> ' ~ (var('identity_label_passes') | int) ~ ')',
    }) }}
{%- endmacro %}


{% macro delete_clusters_with_changed_links() %}
    {#- Pre-hook of int_identity_clusters_resolved: remove every cluster that
        holds a record whose links changed, or that left the graph. A cluster
        none of whose records' links changed is the same component as before:
        each of its links still stands and still joins it, and no new link
        reaches it, for a new link changes the links of both its ends. The
        build then computes the components of the records left without a row
        (those of the removed clusters, and new records) from their links,
        which never lead outside them for the same reason. Only the records
        the links and records changed since the last build are compared
        (record_links_changed_since_built), or every record when their record
        of changes may be incomplete. -#}
    {%- if is_incremental() -%}
        {{- customer360.stop_if_version_columns_missing({'links_fingerprint': 'links_fingerprint', 'built_at': 'built_at'}) }}
        {%- set changes = customer360.record_links_changed_since_built() %}
        {%- set compare_changes_only = customer360.compares_changes_only(changes) %}
        {%- set record_filter = customer360.is_changed_key(['record_key']) if compare_changes_only else 'true' %}
        {%- if compare_changes_only %}
        {{ customer360.create_session_table(customer360.changed_keys_relation(), changes['keys']) }};
        {%- endif %}
        delete from {{ this }}
        where cluster_key in (
            select built.cluster_key
            from (
                select record_key, cluster_key, links_fingerprint, label_passes
                from {{ this }}
                where {{ record_filter }}
            ) as built
            left outer join {{ changes['versions'] if compare_changes_only else customer360.record_link_versions() }} as current_versions
                on
                    built.record_key = current_versions.record_key
                    and built.links_fingerprint = current_versions.links_fingerprint
                    and built.label_passes = current_versions.label_passes
            where current_versions.record_key is null
        )
    {%- endif -%}
{% endmacro %}
