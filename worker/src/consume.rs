//! What the queue consumer does with a message, decided without I/O (`shell::consume` claims,
//! forwards, and records what these functions decide).

use crate::config::Config;
use crate::ledger::{after_claim, claim_until, settlement, Claim, ClaimRow, Settlement};
use crate::message::Delivery;
use crate::retry::{DeadReason, Decision};
use crate::routes::Destination;

/// workerd's limit of simultaneous outgoing connections per invocation.
pub const MAX_CONCURRENT_FORWARDS: usize = 6;

/// A batch's messages in lanes, one per destination, each lane in the batch's order. A lane is
/// forwarded one message after another, so a destination gets what one batch holds for it in
/// the order it was queued (a resume queues the kept deliveries oldest first); lanes run side
/// by side, so one slow destination never holds up another.
pub fn lanes<'a>(destinations: impl IntoIterator<Item = &'a str>) -> Vec<Vec<usize>> {
    let mut lanes: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, destination) in destinations.into_iter().enumerate() {
        match lanes.iter_mut().find(|(d, _)| *d == destination) {
            Some((_, lane)) => lane.push(i),
            None => lanes.push((destination, vec![i])),
        }
    }
    lanes.into_iter().map(|(_, lane)| lane).collect()
}

/// When a batch's claims (one transaction for the whole batch) expire, in forward timeouts
/// ("rounds"). Up to six lanes run at once, so the batch takes its longest lane; with more,
/// a lane may also wait for others to free a slot: at most the rest of the messages six at a
/// time (Graham's bound for list scheduling).
pub fn batch_claim_until(now_ms: u64, lanes: &[Vec<usize>], forward_timeout_ms: u64) -> u64 {
    let messages: usize = lanes.iter().map(Vec::len).sum();
    let longest = lanes.iter().map(Vec::len).max().unwrap_or(0);
    let waiting = if lanes.len() <= MAX_CONCURRENT_FORWARDS {
        0
    } else {
        (messages - longest).div_ceil(MAX_CONCURRENT_FORWARDS)
    };
    let rounds = (waiting + longest).max(1) as u64;
    claim_until(now_ms, forward_timeout_ms * rounds)
}

/// Storage failed: try again after as long as the message has waited so far (10 s to an
/// hour), so the waits double and an outage of D1 or KV is ridden out within the queue's
/// retries.
pub fn storage_retry_seconds(age_ms: u64) -> u32 {
    (age_ms / 1000).clamp(10, 3600) as u32
}

/// What to do with a message after the batch's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'c> {
    /// A dead letter without an attempt (its destination is no longer configured).
    Bury(DeadReason),
    /// The ledger could not be read: the queue delivers it again later.
    StorageRetry,
    /// Nothing to do (delivered, dead, kept, or a newer message has it).
    Ack,
    /// Ask again after this many seconds (another consumer holds the claim).
    Retry(u32),
    /// The destination is paused and this is the live message: keep the delivery.
    Keep { generation: u32 },
    /// The claim is ours: forward it as this attempt.
    Forward {
        destination: &'c Destination,
        generation: u32,
        attempt: u32,
    },
}

/// `row`: the (delivery, destination) row as the claim left it; `None` when the ledger failed.
pub fn step<'c>(
    config: &'c Config,
    delivery: &Delivery,
    row: Option<&ClaimRow>,
    token: &str,
    now_ms: u64,
) -> Step<'c> {
    let Some(destination) = config
        .destinations
        .iter()
        .find(|d| d.name == delivery.destination)
    else {
        return Step::Bury(DeadReason::UnknownDestination);
    };
    let Some(row) = row else {
        return Step::StorageRetry;
    };
    match after_claim(delivery.position(), row, token, now_ms) {
        Claim::Forward {
            generation,
            attempt,
        } => Step::Forward {
            destination,
            generation,
            attempt,
        },
        Claim::Done(_) => Step::Ack,
        Claim::Wait { seconds } => Step::Retry(seconds),
        Claim::Keep { generation } => Step::Keep { generation },
    }
}

/// A large body's KV entry expired before the attempt: a dead letter, under the claim it holds.
pub fn body_expired(now_ms: u64) -> Settlement {
    let reason = DeadReason::BodyExpired;
    settlement(&Decision::Dead { reason }, now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::State;

    fn config() -> Config {
        let vars = [
            ("ATLAS_WEBHOOK_SECRET", "whsec_x"),
            ("ZAPIER_HOOK_URL", "https://hooks.zapier.com/x"),
        ];
        let bound = crate::config::Bound {
            queue: true,
            ledger: true,
        };
        crate::config::from_vars(&vars, bound)
    }

    fn delivery(destination: &str) -> Delivery {
        serde_json::from_value(serde_json::json!({
            "id": "a", "event": "deal.won", "destination": destination, "signature": "s",
            "body": "{}", "receivedAtMs": 1
        }))
        .unwrap()
    }

    fn row(state: State, token: Option<&str>) -> ClaimRow {
        ClaimRow {
            state,
            generation: 1,
            attempts: 2,
            claim_token: token.map(str::to_owned),
            claim_until: Some(60_000),
            paused: 0,
        }
    }

    #[test]
    fn only_the_claims_holder_forwards() {
        let c = config();
        let d = delivery("zapier");
        let ours = row(State::Delivering, Some("t"));
        match step(&c, &d, Some(&ours), "t", 1_000) {
            Step::Forward {
                destination,
                generation: 1,
                attempt: 2,
            } => assert_eq!(destination.name, "zapier"),
            other => panic!("{other:?}"),
        }
        assert_eq!(step(&c, &d, Some(&ours), "u", 1_000), Step::Retry(60));
        let done = row(State::Delivered, None);
        assert_eq!(step(&c, &d, Some(&done), "t", 1_000), Step::Ack);
        let mut paused = row(State::Retrying, None);
        paused.paused = 1;
        assert_eq!(
            step(&c, &d, Some(&paused), "t", 1_000),
            Step::Keep { generation: 1 }
        );
    }

    #[test]
    fn unknown_destinations_are_buried_and_ledger_failures_retried() {
        let c = config();
        assert_eq!(
            step(&c, &delivery("gone"), None, "t", 0),
            Step::Bury(DeadReason::UnknownDestination)
        );
        assert_eq!(
            step(&c, &delivery("zapier"), None, "t", 0),
            Step::StorageRetry
        );
        let expired = body_expired(5);
        assert_eq!(
            (expired.state, expired.dead_reason),
            (State::Dead, Some(DeadReason::BodyExpired))
        );
    }

    #[test]
    fn waits_and_claims_scale_with_the_batch() {
        assert_eq!(storage_retry_seconds(0), 10);
        assert_eq!(storage_retry_seconds(95_000), 95);
        assert_eq!(storage_retry_seconds(u64::MAX), 3600);
        let one = batch_claim_until(0, &lanes(["zapier"]), 10_000);
        assert_eq!(batch_claim_until(0, &[], 10_000), one);
        // Six destinations, one message each: all at once.
        let six = lanes(["a", "b", "c", "d", "e", "f"]);
        assert_eq!(batch_claim_until(0, &six, 10_000), one);
        // Ten messages for one destination: one after another.
        let ten = lanes(["zapier"; 10]);
        assert_eq!(batch_claim_until(0, &ten, 10_000), one + 9 * 10_000);
        // Eight destinations, the first with three: two wait for a slot behind the longest.
        let eight = lanes(["a", "a", "a", "b", "c", "d", "e", "f", "g", "h"]);
        assert_eq!(
            batch_claim_until(0, &eight, 10_000),
            one + (2 + 3 - 1) * 10_000
        );
    }

    #[test]
    fn a_destination_gets_a_batch_in_its_order_and_destinations_run_side_by_side() {
        assert_eq!(
            lanes(["zapier", "make", "zapier", "crm", "make", "zapier"]),
            vec![vec![0, 2, 5], vec![1, 4], vec![3]]
        );
        assert!(lanes([]).is_empty());
    }
}
