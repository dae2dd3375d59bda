{% macro flag_exact_duplicates(relation) %}
    {#- Every delivery of a row after its first (same fingerprint of the delivered
        business columns) is an exact duplicate; the first one by load order stays. -#}
    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ relation }}.row_fingerprint
            order by {{ relation }}._loaded_at, {{ relation }}._batch_id, {{ relation }}._row_number
        ) > 1 as is_exact_duplicate
    from {{ relation }}
{% endmacro %}


{% macro rank_usable_versions(relation, natural_key, changed_at=none) %}
    {#- Only usable rows (no reason, first delivery) compete as versions of a key.
        Newest change first, then the latest load, batch and row, so ties never
        depend on chance. -#}
    {%- set is_usable = '(' ~ relation ~ '.quarantine_reason is null and not ' ~ relation ~ '.is_exact_duplicate)' %}
    select
        {{ relation }}.*,
        {{ is_usable }} as is_usable,
        row_number() over (
            partition by {{ is_usable }}, {{ relation }}.{{ natural_key }}
            order by
                {% if changed_at is not none %}{{ changed_at }} desc,{% endif %}
                {{ relation }}._loaded_at desc,
                {{ relation }}._batch_id desc,
                {{ relation }}._row_number desc
        ) as usable_version_rank,
        count(*) over (partition by {{ is_usable }}, {{ relation }}.{{ natural_key }}) as usable_version_count
    from {{ relation }}
{% endmacro %}
