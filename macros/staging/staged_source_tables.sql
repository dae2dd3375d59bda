{% macro staged_source_tables() %}
    {#- The raw tables that the staging layer reads, as (source name, entity) pairs.
        One list, so the audit models cannot forget a table that staging has. -#}
    {{ return([
        ('web', 'accounts'),
        ('web', 'events'),
        ('shop', 'orders'),
        ('shop', 'order_items'),
        ('shop', 'products'),
        ('crm', 'contacts'),
        ('email', 'subscribers'),
        ('email', 'events'),
        ('social', 'interactions'),
        ('support', 'tickets'),
        ('support', 'surveys'),
        ('loyalty', 'members'),
        ('enrichment', 'profiles'),
        ('privacy', 'requests'),
    ]) }}
{% endmacro %}
