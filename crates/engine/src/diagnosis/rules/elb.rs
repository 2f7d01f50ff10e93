//! Load balancer target groups in front of a virtual node.
//!
//! The App Mesh guide ("Troubleshooting TLS with Elastic Load Balancing")
//! requires the target group port to be the virtual node listener port. Behind
//! an Application Load Balancer the protocol and health check are `HTTPS`;
//! behind a Network Load Balancer the protocol is `TLS` and the health check
//! `TCP`. The checks live with the target group reader, and this rule quotes
//! the value at fault and names the ports it compared with.

use super::{quote, sentence, Collector};
use crate::diagnosis::{Code, Confidence, Finding, Input};
use crate::evidence::target_group::{check_target_group, TargetGroup, TargetGroups};
use crate::evidence::Records;

pub(crate) fn run(inputs: &[Input], out: &mut Collector) {
    let readings: Vec<(&Input, &TargetGroups)> = inputs
        .iter()
        .flat_map(|input| {
            input.parsed.parts.iter().filter_map(move |part| match &part.records {
                Records::TargetGroup(groups) => Some((input, groups)),
                _ => None,
            })
        })
        .collect();

    // A virtual node description may come in another paste than the target group.
    let mut ports: Vec<u16> = Vec::new();
    for (_, groups) in &readings {
        for port in groups.listener_ports() {
            if !ports.contains(&port) {
                ports.push(port);
            }
        }
    }

    let mut any_group = false;
    for (input, groups) in &readings {
        for group in &groups.target_groups {
            any_group = true;
            for problem in check_target_group(group, &ports) {
                let Some(code) = Code::from_name(problem.code()) else {
                    out.note(problem.to_string());
                    continue;
                };
                let mut finding = Finding::new(code, Confidence::Confirmed)
                    .with_subject(format!("target group {}", group_name(group)))
                    .with_detail(sentence(&problem.to_string()))
                    .with_evidence(quote(input, problem.line()));
                finding.remediation = problem.remediation();
                out.add(finding);
            }
        }
    }

    if any_group && ports.is_empty() {
        out.note(
            "No virtual node listener port was given, so the target group port was not checked.",
        );
        out.next_step(
            "The virtual node's listener port, to compare with the target group port",
            Some(
                "aws appmesh describe-virtual-node --mesh-name <mesh> --virtual-node-name <virtual-node> \
                 --query 'virtualNode.spec.listeners[].portMapping'",
            ),
        );
    }
}

fn group_name(group: &TargetGroup) -> String {
    match (&group.name, &group.arn) {
        (Some(name), _) => name.value.clone(),
        (None, Some(arn)) => arn.value.clone(),
        (None, None) => format!("at line {}", group.line),
    }
}
