// Generates the admin /stats dump of a large App Mesh Envoy for the
// performance budget (scripts/bench.sh): the text format the wizard reads and
// the same statistics in Envoy's JSON format (/stats?format=json), which the
// budget parses with JSON.parse as its yardstick.
//
// The dump follows Envoy's text grammar: one `name: value` line per counter
// and gauge, sorted by name, then one line per histogram with its quantiles
// (`P0(nan,2) P25(nan,5.1) ...`). Names follow App Mesh: the ingress listener
// 0.0.0.0_15000 and egress listener 0.0.0.0_15001, clusters named
// cds_egress_<mesh>_<virtual node>_<protocol>_<port> and cds_ingress_...,
// with the fixed TLS counters (ssl.connection_error, ssl.handshake,
// ssl.fail_verify_error, ...), the per-handshake families (ssl.ciphers.*,
// ssl.curves.*, ssl.sigalgs.*, ssl.versions.TLSv1.2) and the SDS socket
// factory counters. One backend fails certificate verification
// (ssl.fail_verify_error > 0) and one has its SDS secret missing, so the
// wizard has findings to show.
//
// `generateEnvoyStats` must stay self-contained (no imports, no outer names):
// the bench driver sends its source into the page and runs it there, so the
// text never crosses the DevTools protocol.
//
// Usage as a command: node tests/bench/stats.mjs LINES [text|json] > FILE

export function generateEnvoyStats(lineCount) {
  // Deterministic pseudo-random numbers (mulberry32), so every run measures
  // the same dump.
  let seed = 0x6d657368;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const count = (max) => Math.floor(random() * max);

  const MESH = 'retail-mesh';
  const SERVICES = ['orders', 'payments', 'catalog', 'cart', 'inventory', 'shipping', 'users', 'search', 'reviews', 'pricing'];
  const PROTOCOLS = [['http', 8080], ['http2', 9080], ['grpc', 8443], ['tcp', 5432]];
  const QUANTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100];

  const SSL_COUNTERS = [
    'connection_error', 'handshake', 'session_reused', 'no_certificate', 'fail_verify_no_cert',
    'fail_verify_error', 'fail_verify_san', 'fail_verify_cert_hash', 'ocsp_staple_failed',
    'ocsp_staple_omitted', 'ocsp_staple_responses', 'ocsp_staple_requests', 'was_key_usage_invalid',
  ];
  const CLUSTER_COUNTERS = [
    'assignment_stale', 'assignment_timeout_received', 'bind_errors', 'lb_healthy_panic',
    'lb_local_cluster_not_ok', 'lb_recalculate_zone_structures', 'lb_subsets_active', 'lb_subsets_created',
    'lb_subsets_fallback', 'lb_subsets_removed', 'lb_subsets_selected', 'lb_zone_cluster_too_small',
    'lb_zone_no_capacity_left', 'lb_zone_routing_all_directly', 'lb_zone_routing_cross_zone',
    'lb_zone_routing_sampled', 'max_host_weight', 'membership_change', 'membership_degraded',
    'membership_excluded', 'membership_healthy', 'membership_total', 'original_dst_host_invalid',
    'retry_or_shadow_abandoned', 'update_attempt', 'update_empty', 'update_failure', 'update_no_rebuild',
    'update_rejected', 'update_success', 'upstream_cx_active', 'upstream_cx_close_notify',
    'upstream_cx_connect_attempts_exceeded', 'upstream_cx_connect_fail', 'upstream_cx_connect_timeout',
    'upstream_cx_destroy', 'upstream_cx_destroy_local', 'upstream_cx_destroy_local_with_active_rq',
    'upstream_cx_destroy_remote', 'upstream_cx_destroy_remote_with_active_rq',
    'upstream_cx_destroy_with_active_rq', 'upstream_cx_http1_total', 'upstream_cx_http2_total',
    'upstream_cx_http3_total', 'upstream_cx_idle_timeout', 'upstream_cx_max_duration_reached',
    'upstream_cx_max_requests', 'upstream_cx_none_healthy', 'upstream_cx_overflow',
    'upstream_cx_pool_overflow', 'upstream_cx_protocol_error', 'upstream_cx_rx_bytes_buffered',
    'upstream_cx_rx_bytes_total', 'upstream_cx_total', 'upstream_cx_tx_bytes_buffered',
    'upstream_cx_tx_bytes_total', 'upstream_flow_control_backed_up_total',
    'upstream_flow_control_drained_total', 'upstream_flow_control_paused_reading_total',
    'upstream_flow_control_resumed_reading_total', 'upstream_internal_redirect_failed_total',
    'upstream_internal_redirect_succeeded_total', 'upstream_rq_200', 'upstream_rq_2xx', 'upstream_rq_503',
    'upstream_rq_5xx', 'upstream_rq_active', 'upstream_rq_cancelled', 'upstream_rq_completed',
    'upstream_rq_maintenance_mode', 'upstream_rq_max_duration_reached', 'upstream_rq_pending_active',
    'upstream_rq_pending_failure_eject', 'upstream_rq_pending_overflow', 'upstream_rq_pending_total',
    'upstream_rq_per_try_idle_timeout', 'upstream_rq_per_try_timeout', 'upstream_rq_retry',
    'upstream_rq_retry_backoff_exponential', 'upstream_rq_retry_backoff_ratelimited',
    'upstream_rq_retry_limit_exceeded', 'upstream_rq_retry_overflow', 'upstream_rq_retry_success',
    'upstream_rq_rx_reset', 'upstream_rq_timeout', 'upstream_rq_total', 'upstream_rq_tx_reset', 'version',
    'health_check.attempt', 'health_check.degraded', 'health_check.failure', 'health_check.healthy',
    'health_check.network_failure', 'health_check.passive_failure', 'health_check.success',
    'health_check.verify_cluster', 'outlier_detection.ejections_active',
    'outlier_detection.ejections_consecutive_5xx', 'outlier_detection.ejections_detected_consecutive_5xx',
    'outlier_detection.ejections_enforced_consecutive_5xx', 'outlier_detection.ejections_enforced_total',
    'outlier_detection.ejections_overflow', 'outlier_detection.ejections_total',
  ];
  const CIRCUIT_BREAKERS = ['cx_open', 'cx_pool_open', 'rq_open', 'rq_pending_open', 'rq_retry_open', 'remaining_cx',
    'remaining_cx_pools', 'remaining_pending', 'remaining_retries', 'remaining_rq'];
  const LISTENER_COUNTERS = [
    'downstream_cx_active', 'downstream_cx_destroy', 'downstream_cx_overflow', 'downstream_cx_overload_reject',
    'downstream_cx_total', 'downstream_cx_transport_socket_connect_timeout', 'downstream_global_cx_overflow',
    'downstream_pre_cx_active', 'downstream_pre_cx_timeout', 'extension_config_missing', 'no_filter_chain_match',
  ];

  // In a healthy mesh the failure counters stay at 0; only the faults set
  // below make some of them rise.
  const FAILURE_COUNTER = new RegExp(
    'fail|reject|error|overflow|timeout|none_healthy|panic|eject|reset|_5xx|_503|cancelled|abandoned|invalid|' +
      'stale|bind_errors|_open$|degraded|excluded|maintenance|max_duration|exceeded|lb_zone|lb_subsets|' +
      'lb_local|backed_up|paused|update_empty|with_active_rq|no_route|no_cluster|too_large|' +
      'direct_response|not_ready|no_filter_chain|overload',
  );
  const trafficValue = (name, max) => (FAILURE_COUNTER.test(name) ? 0 : count(max));

  const values = new Map();
  const histograms = [];
  const put = (name, value) => values.set(name, value);
  const histogram = (name) => {
    let base = 1 + count(40);
    const cumulative = QUANTILES.map((q) => {
      base += count(5) + q / 20;
      return Math.round(base * 1000) / 1000;
    });
    histograms.push({ name, cumulative });
  };

  // Server, control plane, managers.
  for (const [name, value] of [
    ['server.live', 1], ['server.state', 0], ['server.uptime', 864000 + count(100000)],
    ['server.concurrency', 2], ['server.days_until_first_cert_expiring', 12], ['server.hot_restart_epoch', 0],
    ['server.memory_allocated', 41000000 + count(1000000)], ['server.total_connections', 300 + count(100)],
    ['server.version', 11489287], ['control_plane.connected_state', 1], ['control_plane.pending_requests', 0],
    ['control_plane.rate_limit_enforced', 0], ['cluster_manager.active_clusters', 0],
    ['cluster_manager.warming_clusters', 0], ['cluster_manager.cds.update_attempt', 412],
    ['cluster_manager.cds.update_success', 411], ['cluster_manager.cds.update_rejected', 0],
    ['listener_manager.total_listeners_active', 2], ['listener_manager.total_listeners_warming', 0],
    ['listener_manager.lds.update_attempt', 98], ['listener_manager.lds.update_success', 98],
    ['listener_manager.lds.update_rejected', 0],
  ]) put(name, value);
  histogram('server.initialization_time_ms');

  // Listeners: the ingress listener terminates TLS from other Envoys; the
  // egress listener takes the application's plaintext.
  for (const [address, tls, workers] of [['0.0.0.0_15000', true, 2], ['0.0.0.0_15001', false, 2]]) {
    const prefix = `listener.${address}.`;
    for (const name of LISTENER_COUNTERS) put(prefix + name, trafficValue(name, 50));
    const total = 40000 + count(20000);
    put(`${prefix}downstream_cx_total`, total);
    for (let w = 0; w < workers; w += 1) {
      put(`${prefix}worker_${w}.downstream_cx_active`, count(40));
      put(`${prefix}worker_${w}.downstream_cx_total`, Math.floor(total / workers));
    }
    if (tls) {
      const errors = count(20);
      const handshakes = total - errors;
      for (const name of SSL_COUNTERS) put(`${prefix}ssl.${name}`, 0);
      put(`${prefix}ssl.connection_error`, errors);
      put(`${prefix}ssl.handshake`, handshakes);
      put(`${prefix}ssl.session_reused`, Math.floor(handshakes / 3));
      put(`${prefix}ssl.ciphers.ECDHE-ECDSA-AES128-GCM-SHA256`, handshakes);
      put(`${prefix}ssl.curves.X25519`, handshakes);
      put(`${prefix}ssl.sigalgs.ecdsa_secp256r1_sha256`, handshakes);
      put(`${prefix}ssl.versions.TLSv1.2`, handshakes);
      put(`${prefix}server_ssl_socket_factory.downstream_context_secrets_not_ready`, 0);
      put(`${prefix}server_ssl_socket_factory.ssl_context_update_by_sds`, 3);
    }
    histogram(`${prefix}downstream_cx_length_ms`);
  }
  for (const hcm of ['ingress', 'egress']) {
    for (const name of ['downstream_cx_active', 'downstream_cx_protocol_error', 'downstream_cx_ssl_active',
      'downstream_cx_ssl_total', 'downstream_cx_total', 'downstream_rq_2xx', 'downstream_rq_5xx',
      'downstream_rq_completed', 'downstream_rq_timeout', 'downstream_rq_total', 'no_cluster', 'no_route',
      'rq_direct_response', 'rs_too_large']) put(`http.${hcm}.${name}`, trafficValue(name, 100000));
    histogram(`http.${hcm}.downstream_rq_time`);
  }

  // Clusters until the dump has the requested number of lines: one per
  // backend (egress, TLS originated by Envoy) and per local app (ingress).
  const linesSoFar = () => values.size + histograms.length;
  for (let n = 0; linesSoFar() < lineCount; n += 1) {
    const service = `${SERVICES[n % SERVICES.length]}-v${Math.floor(n / SERVICES.length) + 1}`;
    const [protocol, port] = PROTOCOLS[n % PROTOCOLS.length];
    const egress = n % 5 !== 4;
    const name = `cds_${egress ? 'egress' : 'ingress'}_${MESH}_${service}_${protocol}_${port}`;
    const prefix = `cluster.${name}.`;
    for (const counter of CLUSTER_COUNTERS) put(prefix + counter, trafficValue(counter, 5000));
    const hosts = 1 + count(4);
    put(`${prefix}membership_healthy`, hosts);
    put(`${prefix}membership_total`, hosts);
    put(`${prefix}health_check.healthy`, hosts);
    for (const priority of ['default', 'high']) {
      for (const gauge of CIRCUIT_BREAKERS) {
        put(`${prefix}circuit_breakers.${priority}.${gauge}`, gauge.startsWith('remaining') ? 1024 : 0);
      }
    }
    if (egress) {
      const handshakes = 100 + count(10000);
      for (const counter of SSL_COUNTERS) put(`${prefix}ssl.${counter}`, 0);
      put(`${prefix}ssl.handshake`, handshakes);
      put(`${prefix}ssl.session_reused`, Math.floor(handshakes / 4));
      put(`${prefix}ssl.ciphers.ECDHE-ECDSA-AES128-GCM-SHA256`, handshakes);
      put(`${prefix}ssl.curves.X25519`, handshakes);
      put(`${prefix}ssl.sigalgs.ecdsa_secp256r1_sha256`, handshakes);
      put(`${prefix}ssl.versions.TLSv1.2`, handshakes);
      put(`${prefix}client_ssl_socket_factory.ssl_context_update_by_sds`, 2);
      put(`${prefix}client_ssl_socket_factory.upstream_context_secrets_not_ready`, 0);
      put(`${prefix}upstream_cx_total`, handshakes + count(5));
      if (n === 7) {
        // The backend's certificate does not chain to the client policy's CA.
        put(`${prefix}ssl.fail_verify_error`, 9);
        put(`${prefix}upstream_rq_503`, 9);
        put(`${prefix}upstream_rq_pending_failure_eject`, 9);
      }
      if (n === 13) {
        // The client certificate never arrived from SDS.
        put(`${prefix}ssl.handshake`, 0);
        put(`${prefix}ssl.session_reused`, 0);
        put(`${prefix}client_ssl_socket_factory.upstream_context_secrets_not_ready`, 27);
      }
    }
    for (const h of ['upstream_cx_connect_ms', 'upstream_cx_length_ms', 'upstream_rq_time']) histogram(prefix + h);
  }

  // Trim to the exact size: drop the last histograms, then the last names.
  while (linesSoFar() > lineCount && histograms.length > 0) histograms.pop();
  const names = [...values.keys()].sort();
  names.length = Math.min(names.length, lineCount - histograms.length);
  // Names are unique, so no two compare equal.
  histograms.sort((a, b) => (a.name < b.name ? -1 : 1));

  const quantileText = (cumulative) =>
    cumulative.map((c, i) => `P${QUANTILES[i]}(nan,${c})`).join(' ');
  const lines = names.map((name) => `${name}: ${values.get(name)}`);
  for (const h of histograms) lines.push(`${h.name}: ${quantileText(h.cumulative)}`);
  const text = `${lines.join('\n')}\n`;

  const stats = names.map((name) => ({ name, value: values.get(name) }));
  stats.push({
    histograms: {
      supported_quantiles: QUANTILES,
      computed_quantiles: histograms.map((h) => ({
        name: h.name,
        values: h.cumulative.map((c) => ({ interval: null, cumulative: c })),
      })),
    },
  });
  const json = JSON.stringify({ stats });

  return { text, json, lines: lines.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lineCount = Number(process.argv[2] ?? 50000);
  const format = process.argv[3] ?? 'text';
  const { text, json } = generateEnvoyStats(lineCount);
  process.stdout.write(format === 'json' ? json : text);
}
