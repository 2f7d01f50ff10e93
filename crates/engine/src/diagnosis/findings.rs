//! The finding registry: every stable code with its severity, title, fix and links.
//!
//! Codes are public names (the support portal, the docs embed and outside tests
//! use them), so a code is never renamed; a new one is added instead. Each code
//! has a page under `docs/findings/<code>.md`, which a test checks.

use std::fmt;

use serde::{Serialize, Serializer};

/// The severity of a finding: `error` is a cause of failure, `warning` needs
/// action soon, `info` is a fact worth showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A documentation page and the anchor of the section to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Link {
    pub title: &'static str,
    pub url: &'static str,
}

/// The family a code belongs to, used by ranking: connectivity causes are
/// checked before TLS causes, as the App Mesh TLS client policy page requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Tls,
    LoadBalancer,
    Connectivity,
}

macro_rules! codes {
    ($($variant:ident => $name:literal,)*) => {
        /// A stable finding code; its kebab-case name is the public identifier.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// Returns the kebab-case name used in JSON, on the page and in docs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// Looks a code up by its kebab-case name.
            pub fn from_name(name: &str) -> Option<Code> {
                match name {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    TlsVerifyFailed => "tls-verify-failed",
    TlsUntrustedCa => "tls-untrusted-ca",
    TlsCertExpired => "tls-cert-expired",
    TlsCertNotYetValid => "tls-cert-not-yet-valid",
    TlsCertExpiringSoon => "tls-cert-expiring-soon",
    TlsSanMismatch => "tls-san-mismatch",
    TlsAppOriginatesTls => "tls-app-originates-tls",
    TlsNotInUse => "tls-not-in-use",
    TlsInUse => "tls-in-use",
    TlsNoCertChain => "tls-no-cert-chain",
    TlsNoCaCert => "tls-no-ca-cert",
    TlsSecretNotSupplied => "tls-secret-not-supplied",
    TlsClientCertMissing => "tls-client-cert-missing",
    TlsProtocolMismatch => "tls-protocol-mismatch",
    TlsKeyUnsupported => "tls-key-unsupported",
    TlsPrivateKeyPasted => "tls-private-key-pasted",
    TlsCertUsage => "tls-cert-usage",
    TlsClientPolicyCaNotRoot => "tls-client-policy-ca-not-root",
    ElbTargetPortMismatch => "elb-target-port-mismatch",
    ElbTargetProtocol => "elb-target-protocol",
    ElbHealthCheckProtocol => "elb-health-check-protocol",
    ConnControlPlaneDisconnected => "conn-control-plane-disconnected",
    ConnConfigRejected => "conn-config-rejected",
    ConnNoHealthyUpstream => "conn-no-healthy-upstream",
    ConnNoRouteMatch => "conn-no-route-match",
    ConnNoFilterChain => "conn-no-filter-chain",
    ConnMeshAllowAll => "conn-mesh-allow-all",
    ConnRefused => "conn-refused",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The registry entry of one code.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub code: Code,
    pub severity: Severity,
    pub family: Family,
    /// One line, without a final period.
    pub title: &'static str,
    /// The fix, in the terms of the App Mesh API and Envoy.
    pub remediation: &'static str,
    pub links: &'static [Link],
}

const APPMESH: &str = "https://docs.aws.amazon.com/app-mesh/latest/userguide/";

macro_rules! appmesh {
    ($title:literal, $page_and_anchor:literal) => {
        Link {
            title: $title,
            url: concat!(
                "https://docs.aws.amazon.com/app-mesh/latest/userguide/",
                $page_and_anchor
            ),
        }
    };
}

const TLS_CLIENT_POLICY: Link = appmesh!(
    "App Mesh: Unable to connect to a backend virtual service with a TLS client policy",
    "troubleshooting-security.html#ts-security-tls-client-policy"
);
const ORIGINATING_TLS: Link = appmesh!(
    "App Mesh: Unable to connect to a backend virtual service when application is originating TLS",
    "troubleshooting-security.html#ts-security-originating-tls"
);
const TLS_BETWEEN_PROXIES: Link = appmesh!(
    "App Mesh: Unable to assert that connectivity between Envoy proxies is using TLS",
    "troubleshooting-security.html#ts-security-tls-between-proxies"
);
const TLS_ELB: Link = appmesh!(
    "App Mesh: Troubleshooting TLS with Elastic Load Balancing",
    "troubleshooting-security.html#ts-security-tls-elb"
);
const VS_BACKEND: Link = appmesh!(
    "App Mesh: Unable to connect to a virtual service backend",
    "troubleshooting-connectivity.html#ts-connectivity-virtual-service-backend"
);
const NOT_VIRTUAL_SERVICE: Link = appmesh!(
    "App Mesh: Connectivity succeeds to service not listed as a virtual service backend",
    "troubleshooting-connectivity.html#ts-connectivity-not-virtual-service"
);
const CONNECTED_STATE: Link = appmesh!(
    "App Mesh: Monitor the Envoy proxy connectivity with the App Mesh control plane",
    "troubleshooting-best-practices.html#ts-bp-enable-envoy-control-plane-connected-state"
);
const GRPC_CODES: Link = appmesh!(
    "App Mesh: Envoy disconnected from App Mesh Envoy management service with error text",
    "troubleshooting-setup.html#ts-setup-grpc-error-codes"
);
const CANNOT_CONNECT_EMS: Link = appmesh!(
    "App Mesh: Cannot connect to App Mesh Envoy management service",
    "troubleshooting-setup.html#ts-setup-cannot-connect-ems"
);
const TLS_PREREQUISITES: Link =
    appmesh!("App Mesh: TLS certificate requirements", "tls.html#virtual-node-tls-prerequisites");
const CERT_RENEWAL: Link =
    appmesh!("App Mesh: Certificate renewal", "tls.html#certificate-renewal");
const ENVOY_TLS_CONFIG: Link = appmesh!(
    "App Mesh: How App Mesh configures Envoys for TLS",
    "tls.html#envoy-configuration-tls"
);
const VERIFY_ENCRYPTION: Link =
    appmesh!("App Mesh: Verify encryption", "tls.html#verify-encryption");
const MTLS_VERIFICATION: Link =
    appmesh!("App Mesh: Verify mutual TLS", "mutual-tls.html#mtls-verification");
const MTLS_CERTIFICATES: Link =
    appmesh!("App Mesh: Mutual TLS certificates", "mutual-tls.html#mtls-certificates");
const LB_HEALTH_CHECK: Link = appmesh!(
    "App Mesh: Health check from the load balancer to the mesh endpoint is failing",
    "troubleshooting-setup.html#ts-setup-lb-mesh-endpoint-health-check"
);
const DEBUG_LOGGING: Link = appmesh!(
    "App Mesh: Enable Envoy debug logging in pre-production environments",
    "troubleshooting-best-practices.html#ts-bp-enable-envoy-debug-logging"
);

const ENVOY_LISTENER_TLS_STATS: Link = Link {
    title: "Envoy: listener TLS statistics",
    url: "https://www.envoyproxy.io/docs/envoy/latest/configuration/listeners/stats#tls-statistics",
};
const ENVOY_CLUSTER_STATS: Link = Link {
    title: "Envoy: cluster statistics",
    url: "https://www.envoyproxy.io/docs/envoy/latest/configuration/upstream/cluster_manager/cluster_stats#general",
};
const ENVOY_ADMIN_CERTS: Link = Link {
    title: "Envoy: the /certs admin endpoint",
    url: "https://www.envoyproxy.io/docs/envoy/latest/operations/admin#get--certs",
};
const ENVOY_RESPONSE_FLAGS: Link = Link {
    title: "Envoy: access log response flags",
    url: "https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#config-access-log-format-response-flags",
};
const ENVOY_SDS: Link = Link {
    title: "Envoy: secret discovery service (SDS)",
    url: "https://www.envoyproxy.io/docs/envoy/latest/configuration/security/secret#secret-discovery-service-sds",
};

/// The registry, in the order of [`Code::ALL`].
static SPECS: &[Spec] = &[
    Spec {
        code: Code::TlsVerifyFailed,
        severity: Severity::Error,
        family: Family::Tls,
        title: "The peer's certificate failed verification; the cause is not yet known",
        remediation: "Find out which of the three documented causes applies: the certificate is not \
            signed by a CA in the validation trust bundle, it has expired, or none of its SANs \
            matches the requested name. Collect the `verify cert failed` debug line, the `ssl.fail_verify_*` \
            counters of the verifying side, or the presented certificate itself.",
        links: &[TLS_CLIENT_POLICY, TLS_PREREQUISITES, DEBUG_LOGGING, ENVOY_LISTENER_TLS_STATS],
    },
    Spec {
        code: Code::TlsUntrustedCa,
        severity: Severity::Error,
        family: Family::Tls,
        title: "The peer's certificate does not chain to a CA in the trust bundle",
        remediation: "Add the CA that issued the rejected certificate (root, and any intermediate \
            the peer does not send) to the verifying side's trust: the client policy \
            `validation.trust` (ACM PCA ARN, file or SDS secret) for a backend, the listener \
            `validation.trust` for client certificates. Every Envoy that must trust each other \
            needs the same root, or a bundle holding both roots.",
        links: &[TLS_CLIENT_POLICY, ENVOY_TLS_CONFIG, MTLS_CERTIFICATES],
    },
    Spec {
        code: Code::TlsCertExpired,
        severity: Severity::Error,
        family: Family::Tls,
        title: "A certificate in use is past its notAfter time",
        remediation: "Renew the certificate (or the CA it chains to) and make sure Envoy picks it \
            up: ACM renewals reach the proxies within 35 minutes, file-based certificates need a \
            restart or a new path in the virtual node, and an SDS provider must push the rotated \
            secret.",
        links: &[TLS_CLIENT_POLICY, CERT_RENEWAL, ENVOY_ADMIN_CERTS],
    },
    Spec {
        code: Code::TlsCertNotYetValid,
        severity: Severity::Error,
        family: Family::Tls,
        title: "A certificate in use is before its notBefore time",
        remediation: "Check the clock of the host that verifies the certificate and of the CA that \
            issued it; reissue the certificate with a notBefore in the past if the CA's clock \
            was ahead.",
        links: &[TLS_CLIENT_POLICY, TLS_PREREQUISITES],
    },
    Spec {
        code: Code::TlsCertExpiringSoon,
        severity: Severity::Warning,
        family: Family::Tls,
        title: "A certificate expires within the warning window",
        remediation: "Renew the certificate before it expires, and check that the renewal reaches \
            Envoy (ACM within 35 minutes, file-based certificates only after a restart or a new \
            path, SDS through the provider).",
        links: &[CERT_RENEWAL, ENVOY_ADMIN_CERTS],
    },
    Spec {
        code: Code::TlsSanMismatch,
        severity: Severity::Error,
        family: Family::Tls,
        title: "No SAN of the presented certificate matches the requested name or the configured SAN list",
        remediation: "Issue the certificate with a SAN equal to the service-discovery name of the \
            virtual node (DNS hostname, or `service.namespace` for Cloud Map), or a one-label \
            wildcard of it, or fix the client policy `subjectAlternativeNames.match.exact` list. \
            An endpoint that serves several certificates picks one by SNI: without SNI it \
            returns its default certificate.",
        links: &[TLS_CLIENT_POLICY, TLS_PREREQUISITES, ENVOY_TLS_CONFIG],
    },
    Spec {
        code: Code::TlsAppOriginatesTls,
        severity: Severity::Error,
        family: Family::Tls,
        title: "The application, not Envoy, originates TLS, which App Mesh does not support",
        remediation: "Turn TLS off in the application (call the backend with `http://`) and let \
            Envoy originate TLS through a client policy on the virtual node backend.",
        links: &[ORIGINATING_TLS, ENVOY_TLS_CONFIG],
    },
    Spec {
        code: Code::TlsNotInUse,
        severity: Severity::Error,
        family: Family::Tls,
        title: "Connections on this listener or cluster are not TLS",
        remediation: "Configure TLS where it is missing: a listener `tls` block (mode `STRICT`) on \
            the terminating virtual node, and a client policy (or a backend default) on the \
            originating one. Then check the counters again.",
        links: &[TLS_BETWEEN_PROXIES, VERIFY_ENCRYPTION, ENVOY_LISTENER_TLS_STATS],
    },
    Spec {
        code: Code::TlsInUse,
        severity: Severity::Info,
        family: Family::Tls,
        title: "The counters show TLS handshakes on this listener or cluster",
        remediation: "Nothing to fix here. If requests still fail, look for `TLS error` log lines \
            and for the connectivity causes.",
        links: &[TLS_BETWEEN_PROXIES, VERIFY_ENCRYPTION],
    },
    Spec {
        code: Code::TlsNoCertChain,
        severity: Severity::Error,
        family: Family::Tls,
        title: "No certificate chain is loaded for a context that terminates TLS",
        remediation: "Give the listener a certificate Envoy can load: for file certificates, \
            readable PEM at the configured path with each BEGIN and END marker on its own line; \
            for ACM, proxy authorization with `acm:ExportCertificate`; for SDS, a registered \
            workload. Then check `/certs` for a `cert_chain` entry.",
        links: &[TLS_BETWEEN_PROXIES, TLS_PREREQUISITES, ENVOY_ADMIN_CERTS],
    },
    Spec {
        code: Code::TlsNoCaCert,
        severity: Severity::Error,
        family: Family::Tls,
        title: "No CA certificate is loaded, so the originating side does not validate its peer",
        remediation: "Declare the destination as a backend of the virtual node with a TLS client \
            policy whose `validation.trust` names the CA (or set `backendDefaults.clientPolicy`). \
            Then check `/certs` for a `ca_cert` entry.",
        links: &[TLS_BETWEEN_PROXIES, ENVOY_TLS_CONFIG, ENVOY_ADMIN_CERTS],
    },
    Spec {
        code: Code::TlsSecretNotSupplied,
        severity: Severity::Error,
        family: Family::Tls,
        title: "A TLS context is waiting for an SDS secret that has not arrived",
        remediation: "Check the source of the secret: for ACM, the proxy's IAM role needs \
            `acm:ExportCertificate` and `acm-pca:GetCertificateAuthorityCertificate`; for SPIRE \
            or another SDS provider, the workload registration and `APPMESH_SDS_SOCKET_PATH`. \
            If the configuration is right and the secret is only late, wait for the delivery \
            or contact AWS Support.",
        links: &[TLS_BETWEEN_PROXIES, ENVOY_SDS, ENVOY_ADMIN_CERTS],
    },
    Spec {
        code: Code::TlsClientCertMissing,
        severity: Severity::Error,
        family: Family::Tls,
        title: "Mutual TLS: the peer presented no client certificate",
        remediation: "Give the client a certificate in its client policy (`certificate`, file or \
            SDS), from a CA that the server listener's `validation.trust` contains.",
        links: &[MTLS_CERTIFICATES, MTLS_VERIFICATION],
    },
    Spec {
        code: Code::TlsProtocolMismatch,
        severity: Severity::Error,
        family: Family::Tls,
        title: "The two sides share no TLS version, cipher suite or ALPN protocol",
        remediation: "Compare the TLS versions and cipher suites both sides allow. Envoy clusters \
            offer at most TLS 1.2 unless configured otherwise; App Mesh does not expose these \
            settings, so change the peer outside the mesh.",
        links: &[TLS_CLIENT_POLICY, ENVOY_LISTENER_TLS_STATS],
    },
    Spec {
        code: Code::TlsKeyUnsupported,
        severity: Severity::Error,
        family: Family::Tls,
        title: "Envoy rejects the certificate's key type or size",
        remediation: "Reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA \
            P-256 key.",
        links: &[TLS_PREREQUISITES],
    },
    Spec {
        code: Code::TlsPrivateKeyPasted,
        severity: Severity::Warning,
        family: Family::Tls,
        title: "A private key was pasted; it was ignored and is not repeated",
        remediation: "Treat the key as exposed if the paste left your machine, and rotate it. \
            Only certificates, logs, stats and `/certs` output are needed for a diagnosis.",
        links: &[TLS_PREREQUISITES],
    },
    Spec {
        code: Code::TlsCertUsage,
        severity: Severity::Error,
        family: Family::Tls,
        title: "The certificate's key usage does not allow its role in the handshake",
        remediation: "Reissue the certificate with keyUsage `digitalSignature` and an \
            extendedKeyUsage that allows its role: `serverAuth` for a listener certificate, \
            `clientAuth` for a client policy certificate in mutual TLS.",
        links: &[TLS_PREREQUISITES, MTLS_CERTIFICATES],
    },
    Spec {
        code: Code::TlsClientPolicyCaNotRoot,
        severity: Severity::Warning,
        family: Family::Tls,
        title: "A CA in the client policy's trust is not a root CA",
        remediation: "Put the root CA (self-signed) of the chain in the client policy's \
            `validation.trust`: App Mesh requires private CAs used in TLS client policies to be \
            root CAs.",
        links: &[TLS_PREREQUISITES, ENVOY_TLS_CONFIG],
    },
    Spec {
        code: Code::ElbTargetPortMismatch,
        severity: Severity::Error,
        family: Family::LoadBalancer,
        title: "The target group port is not the virtual node listener port",
        remediation: "Create a target group whose port is the virtual node listener port (a target \
            group cannot be changed in place: a new one needs a new name).",
        links: &[TLS_ELB, LB_HEALTH_CHECK],
    },
    Spec {
        code: Code::ElbTargetProtocol,
        severity: Severity::Error,
        family: Family::LoadBalancer,
        title: "The target group protocol is wrong for the load balancer type",
        remediation: "Use protocol `HTTPS` for an Application Load Balancer and `TLS` for a Network \
            Load Balancer; create a new target group with a new name to change it.",
        links: &[TLS_ELB],
    },
    Spec {
        code: Code::ElbHealthCheckProtocol,
        severity: Severity::Error,
        family: Family::LoadBalancer,
        title: "The health check protocol is wrong for the load balancer type",
        remediation: "Use health check protocol `HTTPS` for an Application Load Balancer and `TCP` \
            for a Network Load Balancer; create a new target group with a new name to change it.",
        links: &[TLS_ELB, LB_HEALTH_CHECK],
    },
    Spec {
        code: Code::ConnControlPlaneDisconnected,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "Envoy is not connected to its management server",
        remediation: "Check that the proxy reaches the App Mesh Envoy management endpoint (network \
            route or VPC endpoint, security group egress on 443), and read the gRPC status code \
            of the `gRPC config stream closed` log line for the cause.",
        links: &[CONNECTED_STATE, GRPC_CODES, CANNOT_CONNECT_EMS, VS_BACKEND],
    },
    Spec {
        code: Code::ConnConfigRejected,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "Envoy rejected configuration it was sent",
        remediation: "Read the rejection reason in the log line. Use an Envoy image version that \
            App Mesh supports for the mesh, and fix the resource it names (unreadable \
            certificate file, port below 1024 without `CAP_NET_BIND_SERVICE`, unsupported field).",
        links: &[VS_BACKEND, GRPC_CODES],
    },
    Spec {
        code: Code::ConnNoHealthyUpstream,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "The target has no healthy endpoints",
        remediation: "Check service discovery and health checks of the target virtual node. If its \
            health checks fail only since TLS was enabled, the TLS settings of the two sides \
            disagree.",
        links: &[VS_BACKEND, ENVOY_CLUSTER_STATS],
    },
    Spec {
        code: Code::ConnNoRouteMatch,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "No route matched the request",
        remediation: "Check the path, headers and host of the request against the routes of the \
            virtual router.",
        links: &[VS_BACKEND, ENVOY_RESPONSE_FLAGS],
    },
    Spec {
        code: Code::ConnNoFilterChain,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "No filter chain of the listener matched the connection",
        remediation: "Call the virtual service on the port defined on its virtual router, and make \
            sure both sides agree on TLS: a plaintext client reaching a TLS-only (`STRICT`) \
            listener matches no chain.",
        links: &[VS_BACKEND, ENVOY_LISTENER_TLS_STATS],
    },
    Spec {
        code: Code::ConnMeshAllowAll,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "Egress went to the mesh-allow-all passthrough, not the intended backend",
        remediation: "Name the virtual service after the real service-discovery name of the \
            backend (fully qualified), and declare it as a backend of the calling virtual node.",
        links: &[VS_BACKEND, NOT_VIRTUAL_SERVICE],
    },
    Spec {
        code: Code::ConnRefused,
        severity: Severity::Error,
        family: Family::Connectivity,
        title: "The upstream refused the TCP connection: nothing listens there",
        remediation: "Check that the backend listens on the address and port of the cluster, that \
            the port in the mesh definition matches it, and that security groups allow it. No \
            TLS handshake was attempted.",
        links: &[VS_BACKEND, ENVOY_CLUSTER_STATS],
    },
];

impl Code {
    /// Returns the registry entry of this code.
    pub fn spec(self) -> &'static Spec {
        // `SPECS` is in the order of the enum, which a test checks, so the
        // fallback is never taken.
        SPECS.get(self as usize).unwrap_or(&SPECS_FALLBACK)
    }

    pub fn severity(self) -> Severity {
        self.spec().severity
    }

    pub fn family(self) -> Family {
        self.spec().family
    }

    /// Returns the path of the code's documentation page, relative to the repository root.
    pub fn docs_path(self) -> String {
        format!("docs/findings/{}.md", self.as_str())
    }
}

// Only reachable if `SPECS` and `Code::ALL` disagree, which the registry test forbids.
static SPECS_FALLBACK: Spec = Spec {
    code: Code::TlsVerifyFailed,
    severity: Severity::Error,
    family: Family::Tls,
    title: "",
    remediation: "",
    links: &[],
};

/// Returns every registry entry, in the order of [`Code::ALL`].
pub fn registry() -> &'static [Spec] {
    SPECS
}

/// Returns the base URL of the App Mesh user guide pages the registry links to.
pub fn appmesh_guide_base() -> &'static str {
    APPMESH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_order_matches_codes() {
        assert_eq!(SPECS.len(), Code::ALL.len());
        for (spec, code) in SPECS.iter().zip(Code::ALL) {
            assert_eq!(spec.code, *code, "registry entry out of order");
        }
    }

    #[test]
    fn code_names_round_trip() {
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(*code));
        }
        assert_eq!(Code::from_name("tls-nonexistent"), None);
    }

    #[test]
    fn sorted_code_list_is_pinned() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        names.sort_unstable();
        // Codes are public: this list changes only by adding a code.
        let expected = [
            "conn-config-rejected",
            "conn-control-plane-disconnected",
            "conn-mesh-allow-all",
            "conn-no-filter-chain",
            "conn-no-healthy-upstream",
            "conn-no-route-match",
            "conn-refused",
            "elb-health-check-protocol",
            "elb-target-port-mismatch",
            "elb-target-protocol",
            "tls-app-originates-tls",
            "tls-cert-expired",
            "tls-cert-expiring-soon",
            "tls-cert-not-yet-valid",
            "tls-cert-usage",
            "tls-client-cert-missing",
            "tls-client-policy-ca-not-root",
            "tls-in-use",
            "tls-key-unsupported",
            "tls-no-ca-cert",
            "tls-no-cert-chain",
            "tls-not-in-use",
            "tls-private-key-pasted",
            "tls-protocol-mismatch",
            "tls-san-mismatch",
            "tls-secret-not-supplied",
            "tls-untrusted-ca",
            "tls-verify-failed",
        ];
        assert_eq!(names, expected);
    }

    #[test]
    fn contract_severities() {
        assert_eq!(Code::TlsInUse.severity(), Severity::Info);
        assert_eq!(Code::TlsCertExpiringSoon.severity(), Severity::Warning);
        assert_eq!(Code::TlsPrivateKeyPasted.severity(), Severity::Warning);
        for code in Code::ALL {
            let spec = code.spec();
            if !matches!(
                code,
                Code::TlsInUse
                    | Code::TlsCertExpiringSoon
                    | Code::TlsPrivateKeyPasted
                    | Code::TlsClientPolicyCaNotRoot
            ) {
                assert_eq!(spec.severity, Severity::Error, "{code}");
            }
        }
    }

    #[test]
    fn every_entry_is_filled_in() {
        for spec in registry() {
            let code = spec.code;
            assert!(!spec.title.is_empty(), "{code}: empty title");
            assert!(!spec.title.ends_with('.'), "{code}: title ends with a period");
            assert!(!spec.remediation.is_empty(), "{code}: empty remediation");
            assert!(!spec.links.is_empty(), "{code}: no documentation link");
        }
    }

    #[test]
    fn every_link_has_an_anchor() {
        for spec in registry() {
            for link in spec.links {
                let Some((page, anchor)) = link.url.split_once('#') else {
                    panic!("{}: link without anchor: {}", spec.code, link.url);
                };
                assert!(page.starts_with("https://"), "{}: {}", spec.code, link.url);
                assert!(!anchor.is_empty(), "{}: empty anchor in {}", spec.code, link.url);
                assert!(!anchor.contains(['#', ' ']), "{}: bad anchor in {}", spec.code, link.url);
            }
        }
    }

    #[test]
    fn first_link_is_appmesh_guide() {
        // Each App Mesh-specific code links the App Mesh guide first, so the
        // page's "read this" link is the guide page the cause comes from.
        for spec in registry() {
            let first = spec.links.first().map(|link| link.url).unwrap_or_default();
            assert!(first.starts_with(appmesh_guide_base()), "{}: {}", spec.code, first);
        }
    }

    #[test]
    fn every_code_has_a_docs_page() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let index = std::fs::read_to_string(format!("{root}/docs/findings/README.md"))
            .unwrap_or_else(|error| panic!("cannot read docs/findings/README.md: {error}"));
        for code in Code::ALL {
            assert!(index.contains(&format!("[`{code}`]({code}.md)")), "{code}: not in the index");
            let path = format!("{root}/{}", code.docs_path());
            let page = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("{code}: cannot read {path}: {error}"));
            assert!(page.starts_with(&format!("# `{code}`")), "{path}: title must name the code");
            for link in code.spec().links {
                assert!(page.contains(link.url), "{path}: missing link {}", link.url);
            }
        }
    }
}
