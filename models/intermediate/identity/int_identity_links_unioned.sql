{#
    The edges of the identity graph: exact links (records sharing a usable
    identifier value, in a star to the value's first record), fuzzy matches
    and references (macros/identity/identity_links.sql).

    Built by row, a link being its own key: a daily build compares the links
    made now with the rows it stored, deletes the links no longer made
    (logging both ends in its deletion log) and adds the new ones, stamped
    built_at. Writing the few links a day changes instead of every link costs
    less than the table it replaced, and tells the clusters which records'
    links changed: they read the stamps and the log instead of fingerprinting
    every record's links (macros/incremental/changes_since_built.sql). The
    daily build itself computes only the exact links of the records whose
    identifier rows, or whose values' guard rows, changed since its last
    build, and every fuzzy and reference link (links_changed_since_built).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_links_no_longer_made() }}",
    )
}}

{% if is_incremental() %}
    {#- the links the pre-hook found not yet stored; a link's key is the whole row -#}
    select
        {{ link_columns() | join(',\n        ') }},
        {{ run_started_at_second() }} as built_at
    from {{ keys_to_build_relation() }}
    where not is_outdated
{% else %}
    select
        links.*,
        {{ run_started_at_second() }} as built_at
    from {{ identity_links() }} as links
{% endif %}
