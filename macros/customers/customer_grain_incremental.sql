{#
    The golden record is rebuilt per customer: a daily build recomputes only
    the customers whose inputs changed, found by comparing fingerprints. See
    docs/identity_resolution.md, "Built per customer".

    Every such model stores, on each of its rows, the fingerprint of the
    inputs the row was computed from (`records_fingerprint`), copied from the
    relation it is compared with. Before an incremental build its rows whose
    customer is gone or whose fingerprint no longer matches are deleted (the
    pre-hook); the build then computes every customer that has no row left.
    Both steps compare the model with its own content, so a build that failed
    or was killed is caught up by the next one: nothing records "done" apart
    from the rows themselves.

    The deletion is the shared one of macros/incremental/rows_by_version.sql.
#}

{#
    Both macros compare per customer, not per row: the model's rows are
    reduced to distinct (customer, fingerprint) pairs first, so no hash table
    is built over a table of ten million rows, only over customers.
#}

{% macro delete_outdated_customers(fingerprints, many_rows_per_key=true, keyed_hashes=false, deletion_log_columns=none) %}
    {#- Pre-hook: remove the rows of customers that left `fingerprints` (a
        relation or a parenthesised query of customer_id, records_fingerprint)
        or whose fingerprint there differs. It runs inside the model's
        transaction, so the rows are only gone once their replacements are in.
        A model with one row per customer passes many_rows_per_key=false. A
        model holding keyed hashes (keyed_hashes=true) also stores
        hash_key_fingerprint() on each row: rows hashed under an earlier key
        are outdated too. With deletion_log_columns, the model keeps a
        deletion log of those columns (delete_rows_of_outdated_versions). -#}
    {%- set version_columns = {'records_fingerprint': 'records_fingerprint'} -%}
    {%- set current_versions = fingerprints -%}
    {%- if is_incremental() -%}
        {{- customer360.stop_if_digest_form_changed(this, 'records_fingerprint') }}
        {%- if keyed_hashes -%}
            {%- do version_columns.update({'hash_key_fingerprint': 'hash_key_fingerprint'}) -%}
            {%- set current_versions -%}
                (
                    select
                        current_fingerprints.customer_id,
                        current_fingerprints.records_fingerprint,
                        {{ customer360.hash_key_fingerprint() }} as hash_key_fingerprint
                    from {{ fingerprints }} as current_fingerprints
                )
            {%- endset -%}
        {%- endif %}
    {%- endif %}
    {{ customer360.delete_rows_of_outdated_versions(
        ['customer_id'],
        version_columns,
        current_versions,
        many_rows_per_key=many_rows_per_key,
        deletion_log_columns=deletion_log_columns,
    ) }}
{% endmacro %}


{% macro is_customer_to_build(incremental, column='customer_id') %}
    {#- A predicate on `column`: true for every row in a full build; in an
        incremental one, true for the customers the pre-hook
        (delete_outdated_customers, or delete_rows_of_outdated_versions keyed
        by customer_id) left to build: new ones, those it just deleted, and
        those that give no row at all, recomputed each time to no effect. The model passes its own is_incremental(), which its unit
        tests can override. -#}
    {%- if incremental -%}
        {{ column }} in (
            select keys_to_build.customer_id
            from {{ customer360.keys_to_build_relation() }} as keys_to_build
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}



{% macro history_customer_versions() %}
    {#- The customers the golden record's history keeps (int_customers_masked):
        those of int_customers_survived that are not erased, each with the
        fingerprint its golden record was computed from, as a parenthesised
        query of customer_id and records_fingerprint. An erasure takes the
        customer out, and so out of the snapshot's input. -#}
    (
        select
            customers.customer_id,
            customers.records_fingerprint
        from {{ ref('int_customers_survived') }} as customers
        left outer join {{ ref('int_customer_consents_resolved') }} as consents
            on customers.customer_id = consents.customer_id
        where not coalesce(consents.is_erased, false)
    )
{%- endmacro %}
