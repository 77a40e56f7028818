//! Native core benchmarks: sign, verify (signature only), verify_summary (what the npm package
//! and the edge verifier run) and verify_event (typed), per body size. `bench/run.mjs` reads
//! criterion's estimates and sets them beside `openssl speed -evp sha256` from the same run.

use std::hint::black_box;

use atlasbrokers_webhooks::{sign, EventType, Webhook};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The same bodies as the Node suite: the seed's sample, then lead.created with notes.
fn body_of_size(size: usize) -> String {
    if size <= 300 {
        return EventType::find("deal.won").unwrap().sample_body.to_owned();
    }
    let base = EventType::find("lead.created").unwrap().sample_body;
    let filler = "Client asked about bundling home and auto; follow up after renewal. ";
    let room = size.saturating_sub(base.len() + 12);
    let notes: String = filler.chars().cycle().take(room).collect();
    base.replacen(
        r#""province":"QC""#,
        &format!(r#""province":"QC","notes":"{notes}""#),
        1,
    )
}

fn core(c: &mut Criterion) {
    let webhook = Webhook::new("whsec_bench_secret_value_0123456789").unwrap();
    for size in [250usize, 2048, 16384, 131072] {
        let body = body_of_size(size);
        let bytes = body.as_bytes();
        let header = webhook.sign(bytes);
        let mut group = c.benchmark_group("core");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("sign", size), bytes, |b, body| {
            b.iter(|| sign("whsec_bench_secret_value_0123456789", black_box(body)))
        });
        group.bench_with_input(
            BenchmarkId::new("verify_signature", size),
            bytes,
            |b, body| {
                b.iter(|| {
                    webhook
                        .verify_signature(black_box(body), Some(&header))
                        .unwrap()
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("verify_summary", size),
            bytes,
            |b, body| {
                b.iter(|| {
                    webhook
                        .verify_summary(black_box(body), Some(&header))
                        .unwrap()
                        .event()
                        .len()
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("verify_event", size), bytes, |b, body| {
            b.iter(|| {
                webhook
                    .verify_event(black_box(body), Some(&header))
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, core);
criterion_main!(benches);
