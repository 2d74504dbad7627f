//! The Merkle tree of evidence-log.md section 4: the published vectors
//! of 4.6, the demo-log vectors of 4.7, the worked examples "Proofs"
//! of section 9, exhaustive checks over small trees and property
//! tests against tampering.

use proptest::prelude::*;
use tcps_core::merkle::{
    EMPTY_TREE_HEAD, MerkleTree, inclusion_root, node_hash, verify_consistency, verify_inclusion,
};
use tcps_core::{Digest, Error};

// ---- helpers ----

fn d(hex: &str) -> Digest {
    Digest::from_hex(hex).expect("test vector is valid hex")
}

fn ds(hexes: &[&str]) -> Vec<Digest> {
    hexes.iter().map(|h| d(h)).collect()
}

/// `H(0x00 || entry)`, the RFC 9162 leaf hash.
fn leaf_of(entry: &[u8]) -> Digest {
    let mut bytes = vec![0x00];
    bytes.extend_from_slice(entry);
    Digest::of(&bytes)
}

fn reason(result: Result<(), Error>) -> String {
    match result {
        Err(Error::ProofInvalid { reason }) => reason,
        other => panic!("expected proof_invalid, got {other:?}"),
    }
}

fn flip(digest: &Digest, bit: usize) -> Digest {
    let mut bytes = digest.0;
    bytes[bit / 8] ^= 1 << (bit % 8);
    Digest(bytes)
}

/// A tree of `n` distinct leaves, leaf i = H(0x00 || i as 8 bytes).
fn numbered_tree(n: u64) -> MerkleTree {
    (0..n).map(|i| leaf_of(&i.to_be_bytes())).collect()
}

fn ceil_log2(n: u64) -> usize {
    if n <= 1 {
        0
    } else {
        (64 - (n - 1).leading_zeros()) as usize
    }
}

// ---- a literal reference implementation of 4.1, 4.2 and 4.4 ----

fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

fn ref_mth(leaves: &[Digest]) -> Digest {
    match leaves.len() {
        0 => Digest::of(b""),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node_hash(&ref_mth(&leaves[..k]), &ref_mth(&leaves[k..]))
        }
    }
}

fn ref_path(m: usize, leaves: &[Digest]) -> Vec<Digest> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }

    let k = split_point(n);
    if m < k {
        let mut path = ref_path(m, &leaves[..k]);
        path.push(ref_mth(&leaves[k..]));
        path
    } else {
        let mut path = ref_path(m - k, &leaves[k..]);
        path.push(ref_mth(&leaves[..k]));
        path
    }
}

fn ref_subproof(m: usize, leaves: &[Digest], whole: bool) -> Vec<Digest> {
    let n = leaves.len();
    if m == n {
        return if whole {
            Vec::new()
        } else {
            vec![ref_mth(leaves)]
        };
    }

    let k = split_point(n);
    if m <= k {
        let mut proof = ref_subproof(m, &leaves[..k], whole);
        proof.push(ref_mth(&leaves[k..]));
        proof
    } else {
        let mut proof = ref_subproof(m - k, &leaves[k..], false);
        proof.push(ref_mth(&leaves[..k]));
        proof
    }
}

fn ref_consistency(m: usize, leaves: &[Digest]) -> Vec<Digest> {
    if m == 0 || m == leaves.len() {
        Vec::new()
    } else {
        ref_subproof(m, leaves, true)
    }
}

// ---- 4.6: the published vectors ----

const PUBLISHED_ENTRIES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

const PUBLISHED_HEADS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn published_tree() -> MerkleTree {
    PUBLISHED_ENTRIES
        .iter()
        .map(|e| leaf_of(&hex::decode(e).expect("entry is hex")))
        .collect()
}

#[test]
fn the_empty_tree_head_is_sha256_of_the_empty_string() {
    let expected = d("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    assert_eq!(EMPTY_TREE_HEAD, expected);
    assert_eq!(Digest::of(b""), expected);
    assert_eq!(MerkleTree::new().root(), expected);
    assert_eq!(MerkleTree::new().tree_head(0), Ok(expected));
}

#[test]
fn published_tree_heads_for_sizes_one_to_eight_match() {
    let tree = published_tree();

    for (i, head) in PUBLISHED_HEADS.iter().enumerate() {
        let size = i as u64 + 1;
        assert_eq!(tree.tree_head(size), Ok(d(head)), "size {size}");
    }
    assert_eq!(tree.root(), d(PUBLISHED_HEADS[7]));
}

#[test]
fn published_inclusion_proofs_are_made_and_verify() {
    let tree = published_tree();
    let cases: [(u64, u64, Vec<Digest>); 5] = [
        (
            0,
            8,
            ds(&[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]),
        ),
        (
            5,
            8,
            ds(&[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]),
        ),
        (
            2,
            3,
            ds(&["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        ),
        (
            1,
            5,
            ds(&[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]),
        ),
        (0, 1, Vec::new()),
    ];

    for (index, size, expected) in cases {
        let proof = tree.inclusion_proof(index, size).expect("in range");
        assert_eq!(proof, expected, "index {index}, size {size}");

        let leaf = tree.leaf(index).expect("leaf exists");
        let root = d(PUBLISHED_HEADS[size as usize - 1]);
        assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
    }
}

#[test]
fn published_consistency_proofs_are_made_and_verify() {
    let tree = published_tree();
    let cases: [(u64, u64, Vec<Digest>); 5] = [
        (
            1,
            8,
            ds(&[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]),
        ),
        (
            6,
            8,
            ds(&[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]),
        ),
        (
            2,
            5,
            ds(&[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]),
        ),
        (
            6,
            7,
            ds(&[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]),
        ),
        (1, 1, Vec::new()),
    ];

    for (old, new, expected) in cases {
        let proof = tree.consistency_proof(old, new).expect("in range");
        assert_eq!(proof, expected, "{old} -> {new}");

        let old_root = d(PUBLISHED_HEADS[old as usize - 1]);
        let new_root = d(PUBLISHED_HEADS[new as usize - 1]);
        assert_eq!(
            verify_consistency(old, new, &old_root, &new_root, &proof),
            Ok(())
        );
    }
}

/// The labelled seven-leaf tree of C2SP, with the values computed in
/// evidence-log.md 4.6 for the published entries and in 4.7 for the
/// demo log.
struct Labels {
    a: Digest,
    b: Digest,
    c: Digest,
    d: Digest,
    e: Digest,
    f: Digest,
    g: Digest,
    h: Digest,
    i: Digest,
    j: Digest,
    k: Digest,
    l: Digest,
}

impl Labels {
    fn leaves(&self) -> [Digest; 7] {
        [self.a, self.b, self.c, self.d, self.e, self.f, self.g]
    }
}

fn published_labels() -> Labels {
    Labels {
        a: d("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        b: d("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        c: d("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        d: d("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        e: d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        f: d("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        g: d("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h: d("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        i: d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        j: d("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        k: d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        l: d("837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"),
    }
}

fn demo_labels() -> Labels {
    Labels {
        a: d("54a4d75a9ef654e1cbd3276f789f45b32ef0b844dba4cd11ebc242044717df0b"),
        b: d("2c78201fbb74e25a2c7ea8eb8e93a60ee7ee0431440db3f70cbb6f64a6bbcc89"),
        c: d("44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f"),
        d: d("96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76271e26066b1449"),
        e: d("27b859b2f0c806d2afc65c7353fbe64c405644be162625605f485b808efc2fca"),
        f: d("3c210efe4a9f55b014d37ceec97e8b22025cc5a37a64fe7768c2f2ee5c82889b"),
        g: d("290f52ba736445f2a6cab90918308374fe5b3ed8ac1e44aec8e7d9acb0f6ea9d"),
        h: d("c63b2f95f7237a6168d0b9335883b4ad84d1e9c1c087d550ae8d687839b41437"),
        i: d("b0ddd11e0bf7659f1c6c10ae82d542f705b66e933dc9e3b17fb9895ce00812bc"),
        j: d("e0e287fcd51d6e771dcffd6a46ea1ee613cf8fed0fd641d95ef1712474daa2b1"),
        k: d("c0fb6f4cf22bc91a73c497784e3ea75d24101b908ace3ce588de83f4288eca45"),
        l: d("3b5ff96b0661b7e0078dca663e0c5eee95731515ee172c5a744c78a415c788e7"),
    }
}

/// The C2SP shapes of 4.6 hold for any seven leaves.
fn check_seven_leaf_shapes(x: &Labels) {
    let tree: MerkleTree = x.leaves().into_iter().collect();

    assert_eq!(node_hash(&x.a, &x.b), x.h);
    assert_eq!(node_hash(&x.c, &x.d), x.i);
    assert_eq!(node_hash(&x.e, &x.f), x.j);
    assert_eq!(node_hash(&x.h, &x.i), x.k);
    assert_eq!(node_hash(&x.j, &x.g), x.l);
    assert_eq!(tree.root(), node_hash(&x.k, &x.l));

    let inclusion = [
        (0, vec![x.b, x.i, x.l]),
        (1, vec![x.a, x.i, x.l]),
        (2, vec![x.d, x.h, x.l]),
        (3, vec![x.c, x.h, x.l]),
        (4, vec![x.f, x.g, x.k]),
        (5, vec![x.e, x.g, x.k]),
        (6, vec![x.j, x.k]),
    ];
    for (index, expected) in inclusion {
        assert_eq!(tree.inclusion_proof(index, 7), Ok(expected), "leaf {index}");
    }

    let consistency = [
        (1, vec![x.b, x.i, x.l]),
        (2, vec![x.i, x.l]),
        (3, vec![x.c, x.d, x.h, x.l]),
        (4, vec![x.l]),
        (5, vec![x.e, x.f, x.g, x.k]),
        (6, vec![x.j, x.g, x.k]),
    ];
    for (old, expected) in consistency {
        assert_eq!(tree.consistency_proof(old, 7), Ok(expected), "{old} -> 7");
    }
}

#[test]
fn published_entries_give_the_c2sp_labels_and_proofs() {
    let labels = published_labels();
    let tree = published_tree();

    assert_eq!(&tree.leaves()[..7], &labels.leaves());
    check_seven_leaf_shapes(&labels);
    assert_eq!(
        node_hash(&labels.k, &labels.l),
        d(PUBLISHED_HEADS[6]),
        "root of the seven-leaf tree"
    );
}

// ---- 4.7: the demo log ----

const DEMO_HEADS: [&str; 7] = [
    "54a4d75a9ef654e1cbd3276f789f45b32ef0b844dba4cd11ebc242044717df0b",
    "c63b2f95f7237a6168d0b9335883b4ad84d1e9c1c087d550ae8d687839b41437",
    "6cffe568fe2bc5a4ff04a060c7d63345841b39398b135db0261f885fe0063ebd",
    "c0fb6f4cf22bc91a73c497784e3ea75d24101b908ace3ce588de83f4288eca45",
    "9e360afe0f0a78cf8b5f5c2b0871f9fff4180d15d5f60fda3426bf2e141a254d",
    "874ce235e4face840f3a48b9fd941caf9676e8d6d8c1e639df535a7b6ab51de6",
    "39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382",
];

fn demo_tree() -> MerkleTree {
    demo_labels().leaves().into_iter().collect()
}

fn demo_head(size: u64) -> Digest {
    d(DEMO_HEADS[size as usize - 1])
}

#[test]
fn demo_log_tree_heads_for_sizes_one_to_seven_match() {
    let tree = demo_tree();

    for size in 1..=7 {
        assert_eq!(tree.tree_head(size), Ok(demo_head(size)), "size {size}");
    }
}

#[test]
fn demo_log_gives_the_labelled_proofs_of_4_7() {
    check_seven_leaf_shapes(&demo_labels());
}

#[test]
fn every_demo_log_proof_to_size_seven_verifies() {
    let tree = demo_tree();
    let root = demo_head(7);

    for index in 0..7 {
        let proof = tree.inclusion_proof(index, 7).expect("in range");
        let leaf = tree.leaf(index).expect("leaf exists");
        assert_eq!(verify_inclusion(&leaf, index, 7, &proof, &root), Ok(()));
    }

    for old in 1..=7 {
        let proof = tree.consistency_proof(old, 7).expect("in range");
        assert_eq!(
            verify_consistency(old, 7, &demo_head(old), &root, &proof),
            Ok(())
        );
    }
}

#[test]
fn demo_log_further_proofs_of_4_7_match() {
    let tree = demo_tree();
    let x = demo_labels();

    assert_eq!(tree.inclusion_proof(2, 5), Ok(vec![x.d, x.h, x.e]));
    assert_eq!(tree.inclusion_proof(3, 4), Ok(vec![x.c, x.h]));
    assert_eq!(tree.consistency_proof(2, 7), Ok(vec![x.i, x.l]));
    assert_eq!(tree.consistency_proof(5, 7), Ok(vec![x.e, x.f, x.g, x.k]));

    assert_eq!(
        verify_inclusion(&x.c, 2, 5, &[x.d, x.h, x.e], &demo_head(5)),
        Ok(())
    );
    assert_eq!(
        verify_inclusion(&x.d, 3, 4, &[x.c, x.h], &demo_head(4)),
        Ok(())
    );
}

// ---- section 9, "Proofs" ----

#[test]
fn example_22_inclusion_of_leaf_3_in_size_7_holds() {
    let x = demo_labels();
    let proof = [x.c, x.h, x.l];

    assert_eq!(node_hash(&x.c, &x.d), x.i);
    assert_eq!(node_hash(&x.h, &x.i), x.k);
    assert_eq!(inclusion_root(&x.d, 3, 7, &proof), Ok(demo_head(7)));
    assert_eq!(verify_inclusion(&x.d, 3, 7, &proof, &demo_head(7)), Ok(()));
}

#[test]
fn example_23_a_flipped_bit_in_the_proof_is_a_root_mismatch() {
    let x = demo_labels();
    let mut first = x.c;
    assert_eq!(first.0[0], 0x44);
    first.0[0] = 0xc4;
    let proof = [first, x.h, x.l];

    let computed = inclusion_root(&x.d, 3, 7, &proof);
    let result = verify_inclusion(&x.d, 3, 7, &proof, &demo_head(7));

    assert_eq!(
        computed,
        Ok(d(
            "063bf300ce7e94796d11670d04916007cae65405e5c646ea85dee296141f5ef5"
        ))
    );
    assert_eq!(reason(result), "root_mismatch");
}

#[test]
fn example_24_the_wrong_index_is_a_root_mismatch() {
    let x = demo_labels();
    let proof = [x.c, x.h, x.l];

    let computed = inclusion_root(&x.d, 2, 7, &proof);
    let result = verify_inclusion(&x.d, 2, 7, &proof, &demo_head(7));

    assert_eq!(
        computed,
        Ok(d(
            "5ccf200006c2dfdac3d0601bc793e4c21371dc4c4633907cba9555920fbb178b"
        ))
    );
    assert_eq!(reason(result), "root_mismatch");
}

#[test]
fn example_25_the_wrong_size_gives_too_many_or_too_few_hashes() {
    let x = demo_labels();

    let with_size_4 = verify_inclusion(&x.d, 3, 4, &[x.c, x.h, x.l], &demo_head(7));
    let one_short = verify_inclusion(&x.d, 3, 7, &[x.c, x.h], &demo_head(7));

    assert_eq!(reason(with_size_4), "too_many_hashes");
    assert_eq!(reason(one_short), "too_few_hashes");
}

#[test]
fn example_26_consistency_from_4_to_7_holds() {
    let x = demo_labels();

    assert_eq!(node_hash(&x.k, &x.l), demo_head(7));
    assert_eq!(
        verify_consistency(4, 7, &demo_head(4), &demo_head(7), &[x.l]),
        Ok(())
    );
}

#[test]
fn example_27_consistency_from_6_to_7_holds() {
    let x = demo_labels();

    assert_eq!(node_hash(&x.j, &x.g), x.l);
    assert_eq!(node_hash(&x.k, &x.j), demo_head(6));
    assert_eq!(
        verify_consistency(6, 7, &demo_head(6), &demo_head(7), &[x.j, x.g, x.k]),
        Ok(())
    );
}

#[test]
fn example_28_asking_beyond_the_log_is_size_out_of_range() {
    let tree = demo_tree();

    assert_eq!(
        tree.inclusion_proof(7, 7),
        Err(Error::SizeOutOfRange { asked: 7, size: 7 })
    );
    assert_eq!(
        tree.consistency_proof(3, 8),
        Err(Error::SizeOutOfRange { asked: 8, size: 7 })
    );
}

#[test]
fn example_21_consistency_exposes_a_suffix_swap() {
    let forged = d("320d653edc79de58cd7e00ddaae0c2179e592525928ecaf62f9d74f1ff43f805");
    let new_root = d("c88e3390f37f7fa21bc08b0340a7b4d099e0866923b0b6442102145640d1afcb");

    let sr = node_hash(&demo_head(4), &forged);
    let result = verify_consistency(4, 7, &demo_head(4), &new_root, &[forged]);

    assert_eq!(
        sr,
        d("353f6f9340f7d7716edbcc740290337ad189a5b99ddac16e99ae70b128262ec7")
    );
    assert_eq!(reason(result), "root_mismatch");
}

// ---- the tree's own errors ----

#[test]
fn a_tree_refuses_sizes_beyond_its_length() {
    let tree = demo_tree();

    assert_eq!(
        tree.tree_head(8),
        Err(Error::SizeOutOfRange { asked: 8, size: 7 })
    );
    assert_eq!(
        tree.tree_head(u64::MAX),
        Err(Error::SizeOutOfRange {
            asked: u64::MAX,
            size: 7
        })
    );
    assert_eq!(
        tree.inclusion_proof(0, 8),
        Err(Error::SizeOutOfRange { asked: 8, size: 7 })
    );
    assert_eq!(
        tree.inclusion_proof(u64::MAX, u64::MAX),
        Err(Error::SizeOutOfRange {
            asked: u64::MAX,
            size: 7
        })
    );
}

#[test]
fn a_tree_refuses_inclusion_in_the_empty_tree_and_reversed_sizes() {
    let tree = demo_tree();

    assert_eq!(
        tree.inclusion_proof(0, 0),
        Err(Error::SizeOutOfRange { asked: 0, size: 0 })
    );
    assert_eq!(
        tree.inclusion_proof(5, 3),
        Err(Error::SizeOutOfRange { asked: 5, size: 3 })
    );
    assert_eq!(
        tree.consistency_proof(5, 3),
        Err(Error::SizeOutOfRange { asked: 5, size: 3 })
    );
}

#[test]
fn consistency_from_zero_or_to_the_same_size_is_empty() {
    let tree = demo_tree();

    assert_eq!(tree.consistency_proof(0, 7), Ok(Vec::new()));
    assert_eq!(tree.consistency_proof(0, 0), Ok(Vec::new()));
    assert_eq!(tree.consistency_proof(4, 4), Ok(Vec::new()));
}

#[test]
fn leaves_are_read_back_by_index() {
    let tree = demo_tree();

    assert_eq!(tree.len(), 7);
    assert!(!tree.is_empty());
    assert_eq!(tree.leaf(0), Some(demo_labels().a));
    assert_eq!(tree.leaf(7), None);
    assert_eq!(tree.leaf(u64::MAX), None);
}

#[test]
fn proofs_serialize_as_lowercase_hex_strings() {
    let proof = demo_tree().inclusion_proof(6, 7).expect("in range");

    let json = serde_json::to_string(&proof).expect("serializes");

    assert_eq!(
        json,
        "[\"e0e287fcd51d6e771dcffd6a46ea1ee613cf8fed0fd641d95ef1712474daa2b1\",\
         \"c0fb6f4cf22bc91a73c497784e3ea75d24101b908ace3ce588de83f4288eca45\"]"
    );
}

// ---- the verifiers' errors ----

#[test]
fn a_short_proof_element_is_bad_hash_length_before_anything_else() {
    let x = demo_labels();
    let short: Vec<Vec<u8>> = vec![x.c.0.to_vec(), vec![0; 31]];
    let long: Vec<Vec<u8>> = vec![vec![0; 33]];

    let inclusion = verify_inclusion(&x.d, 9, 7, &short, &demo_head(7));
    let consistency = verify_consistency(9, 7, &x.a, &x.b, &long);

    assert_eq!(reason(inclusion), "bad_hash_length");
    assert_eq!(reason(consistency), "bad_hash_length");
}

#[test]
fn proof_elements_may_be_given_as_byte_slices() {
    let x = demo_labels();
    let proof: [&[u8]; 3] = [&x.c.0, &x.h.0, &x.l.0];

    assert_eq!(verify_inclusion(&x.d, 3, 7, &proof, &demo_head(7)), Ok(()));
}

#[test]
fn an_index_at_or_beyond_the_size_is_index_out_of_range() {
    let x = demo_labels();
    let none: [Digest; 0] = [];

    assert_eq!(
        reason(verify_inclusion(&x.a, 7, 7, &none, &x.a)),
        "index_out_of_range"
    );
    assert_eq!(
        reason(verify_inclusion(&x.a, 0, 0, &none, &x.a)),
        "index_out_of_range"
    );
    assert_eq!(
        reason(verify_inclusion(&x.a, u64::MAX, 1, &none, &x.a)),
        "index_out_of_range"
    );
}

#[test]
fn the_single_leaf_tree_needs_an_empty_inclusion_proof() {
    let x = demo_labels();
    let none: [Digest; 0] = [];

    assert_eq!(verify_inclusion(&x.a, 0, 1, &none, &x.a), Ok(()));
    assert_eq!(
        reason(verify_inclusion(&x.a, 0, 1, &[x.b], &x.a)),
        "too_many_hashes"
    );
    assert_eq!(
        reason(verify_inclusion(&x.a, 0, 1, &none, &x.b)),
        "root_mismatch"
    );
}

#[test]
fn a_shrinking_consistency_check_is_size_order() {
    let x = demo_labels();

    assert_eq!(
        reason(verify_consistency(7, 4, &x.a, &x.b, &[x.l])),
        "size_order"
    );
}

#[test]
fn equal_sizes_hold_only_with_an_empty_proof_and_equal_roots() {
    let x = demo_labels();
    let none: [Digest; 0] = [];

    assert_eq!(verify_consistency(7, 7, &x.a, &x.a, &none), Ok(()));
    assert_eq!(
        reason(verify_consistency(7, 7, &x.a, &x.b, &none)),
        "root_mismatch"
    );
    assert_eq!(
        reason(verify_consistency(7, 7, &x.a, &x.a, &[x.a])),
        "too_many_hashes"
    );
}

#[test]
fn old_size_zero_holds_only_for_the_empty_tree_head() {
    let x = demo_labels();
    let none: [Digest; 0] = [];

    assert_eq!(
        verify_consistency(0, 7, &EMPTY_TREE_HEAD, &demo_head(7), &none),
        Ok(())
    );
    assert_eq!(
        reason(verify_consistency(0, 7, &x.a, &demo_head(7), &none)),
        "root_mismatch"
    );
    assert_eq!(
        reason(verify_consistency(
            0,
            7,
            &EMPTY_TREE_HEAD,
            &demo_head(7),
            &[x.a]
        )),
        "too_many_hashes"
    );
}

#[test]
fn a_missing_consistency_proof_is_empty_proof() {
    let none: [Digest; 0] = [];

    let result = verify_consistency(4, 7, &demo_head(4), &demo_head(7), &none);

    assert_eq!(reason(result), "empty_proof");
}

#[test]
fn consistency_proofs_of_the_wrong_length_say_so() {
    let x = demo_labels();
    let (old, new) = (demo_head(6), demo_head(7));

    let long = verify_consistency(6, 7, &old, &new, &[x.j, x.g, x.k, x.a]);
    let short = verify_consistency(6, 7, &old, &new, &[x.j, x.g]);

    assert_eq!(reason(long), "too_many_hashes");
    assert_eq!(reason(short), "too_few_hashes");
}

#[test]
fn hostile_sizes_and_long_proofs_fail_without_panicking() {
    let x = demo_labels();
    let huge = vec![x.a; 100_000];

    assert_eq!(
        reason(verify_inclusion(&x.a, 0, u64::MAX, &huge, &x.a)),
        "too_many_hashes"
    );
    assert_eq!(
        reason(verify_inclusion(&x.a, u64::MAX - 1, u64::MAX, &[x.a], &x.a)),
        "too_few_hashes"
    );
    assert_eq!(
        reason(verify_consistency(
            u64::MAX - 1,
            u64::MAX,
            &x.a,
            &x.b,
            &[x.a]
        )),
        "too_few_hashes"
    );
    assert_eq!(
        reason(verify_consistency(1 << 63, u64::MAX, &x.a, &x.b, &huge)),
        "too_many_hashes"
    );
    assert_eq!(
        reason(verify_consistency(1, 2, &x.a, &x.b, &huge)),
        "too_many_hashes"
    );
}

// ---- exhaustive checks over small trees ----

#[test]
fn tree_heads_match_the_recursive_definition_up_to_300_leaves() {
    let tree = numbered_tree(300);

    for size in 0..=300 {
        let expected = ref_mth(&tree.leaves()[..size]);
        assert_eq!(tree.tree_head(size as u64), Ok(expected), "size {size}");
    }
}

#[test]
fn a_tree_built_leaf_by_leaf_agrees_at_every_length() {
    let all = numbered_tree(70);
    let mut growing = MerkleTree::new();

    for (n, leaf) in all.leaves().iter().enumerate() {
        growing.push(*leaf);
        assert_eq!(
            growing.root(),
            all.tree_head(n as u64 + 1).expect("in range")
        );
    }
    assert_eq!(growing, all);
}

#[test]
fn proofs_match_the_recursive_definition_up_to_70_leaves() {
    let tree = numbered_tree(70);

    for n in 1..=70usize {
        let leaves = &tree.leaves()[..n];
        for m in 0..n {
            let path = tree.inclusion_proof(m as u64, n as u64);
            assert_eq!(path, Ok(ref_path(m, leaves)), "PATH({m}, {n})");
        }
        for m in 0..=n {
            let proof = tree.consistency_proof(m as u64, n as u64);
            assert_eq!(proof, Ok(ref_consistency(m, leaves)), "PROOF({m}, {n})");
        }
    }
}

#[test]
fn every_inclusion_proof_verifies_for_every_leaf_up_to_size_300() {
    let tree = numbered_tree(300);

    for size in 1..=300u64 {
        let root = tree.tree_head(size).expect("in range");

        for index in 0..size {
            let leaf = tree.leaf(index).expect("leaf exists");
            let proof = tree.inclusion_proof(index, size).expect("in range");

            assert!(proof.len() <= ceil_log2(size), "PATH({index}, {size})");
            assert_eq!(
                verify_inclusion(&leaf, index, size, &proof, &root),
                Ok(()),
                "PATH({index}, {size})"
            );
        }
    }
}

#[test]
fn every_consistency_proof_verifies_up_to_size_100() {
    let tree = numbered_tree(100);

    for new in 1..=100u64 {
        let new_root = tree.tree_head(new).expect("in range");

        for old in 0..=new {
            let old_root = tree.tree_head(old).expect("in range");
            let proof = tree.consistency_proof(old, new).expect("in range");

            assert!(proof.len() <= ceil_log2(new) + 1, "PROOF({old}, {new})");
            assert_eq!(
                verify_consistency(old, new, &old_root, &new_root, &proof),
                Ok(()),
                "PROOF({old}, {new})"
            );
        }
    }
}

#[test]
fn an_inclusion_proof_fails_for_a_neighbouring_leaf() {
    let tree = numbered_tree(70);

    for size in 2..=70u64 {
        let root = tree.tree_head(size).expect("in range");
        for index in 0..size {
            let neighbour = tree.leaf((index + 1) % size).expect("leaf exists");
            let proof = tree.inclusion_proof(index, size).expect("in range");

            let result = verify_inclusion(&neighbour, index, size, &proof, &root);
            assert_eq!(reason(result), "root_mismatch");
        }
    }
}

// ---- property tests: tampering never verifies ----

/// Shared across cases so that each case only makes proofs.
fn shared_tree() -> &'static MerkleTree {
    static TREE: std::sync::OnceLock<MerkleTree> = std::sync::OnceLock::new();
    TREE.get_or_init(|| numbered_tree(1100))
}

/// A tree size and an index below it.
fn size_and_index() -> impl Strategy<Value = (u64, u64)> {
    (1..=1100u64).prop_flat_map(|size| (Just(size), 0..size))
}

/// Two sizes with 1 <= old <= new.
fn size_pair() -> impl Strategy<Value = (u64, u64)> {
    (1..=1100u64).prop_flat_map(|new| (1..=new, Just(new)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_flipped_bit_in_an_inclusion_proof_fails(
        (size, index) in size_and_index(),
        pick in any::<prop::sample::Index>(),
        bit in 0..256usize,
    ) {
        let tree = shared_tree();
        let leaf = tree.leaf(index).expect("leaf exists");
        let root = tree.tree_head(size).expect("in range");
        let mut proof = tree.inclusion_proof(index, size).expect("in range");
        prop_assume!(!proof.is_empty());

        let at = pick.index(proof.len());
        proof[at] = flip(&proof[at], bit);

        let result = verify_inclusion(&leaf, index, size, &proof, &root);
        prop_assert_eq!(reason(result), "root_mismatch");
    }

    #[test]
    fn a_flipped_bit_in_the_root_or_leaf_fails_inclusion(
        (size, index) in size_and_index(),
        bit in 0..256usize,
    ) {
        let tree = shared_tree();
        let leaf = tree.leaf(index).expect("leaf exists");
        let root = tree.tree_head(size).expect("in range");
        let proof = tree.inclusion_proof(index, size).expect("in range");

        let bad_root = verify_inclusion(&leaf, index, size, &proof, &flip(&root, bit));
        let bad_leaf = verify_inclusion(&flip(&leaf, bit), index, size, &proof, &root);

        prop_assert_eq!(reason(bad_root), "root_mismatch");
        prop_assert_eq!(reason(bad_leaf), "root_mismatch");
    }

    #[test]
    fn an_inclusion_proof_checked_at_another_index_fails(
        (size, index) in size_and_index(),
        other in 0..1100u64,
    ) {
        prop_assume!(other != index);
        let tree = shared_tree();
        let leaf = tree.leaf(index).expect("leaf exists");
        let root = tree.tree_head(size).expect("in range");
        let proof = tree.inclusion_proof(index, size).expect("in range");

        let result = verify_inclusion(&leaf, other, size, &proof, &root);
        prop_assert!(result.is_err());
    }

    /// A proof is bound to the (size, root) pair of one checkpoint: with
    /// the size and root of another tree it fails, unless it happens to
    /// be that tree's proof too. With the size changed and the root
    /// kept, RFC 9162 verification can pass (evidence-log.md 4.3 warns
    /// to take both from one checkpoint), so that is not asserted.
    #[test]
    fn an_inclusion_proof_checked_against_another_tree_size_fails(
        (size, index) in size_and_index(),
        other in 1..=1100u64,
    ) {
        prop_assume!(other != size && index < other);
        let tree = shared_tree();
        let leaf = tree.leaf(index).expect("leaf exists");
        let proof = tree.inclusion_proof(index, size).expect("in range");
        let other_root = tree.tree_head(other).expect("in range");
        let other_proof = tree.inclusion_proof(index, other).expect("in range");

        let result = verify_inclusion(&leaf, index, other, &proof, &other_root);
        prop_assert_eq!(result.is_ok(), proof == other_proof);
    }

    #[test]
    fn a_flipped_bit_in_a_consistency_proof_fails(
        (old, new) in size_pair(),
        pick in any::<prop::sample::Index>(),
        bit in 0..256usize,
    ) {
        let tree = shared_tree();
        let old_root = tree.tree_head(old).expect("in range");
        let new_root = tree.tree_head(new).expect("in range");
        let mut proof = tree.consistency_proof(old, new).expect("in range");
        prop_assume!(!proof.is_empty());

        let at = pick.index(proof.len());
        proof[at] = flip(&proof[at], bit);

        let result = verify_consistency(old, new, &old_root, &new_root, &proof);
        prop_assert_eq!(reason(result), "root_mismatch");
    }

    #[test]
    fn a_flipped_bit_in_either_root_fails_consistency(
        (old, new) in size_pair(),
        bit in 0..256usize,
    ) {
        let tree = shared_tree();
        let old_root = tree.tree_head(old).expect("in range");
        let new_root = tree.tree_head(new).expect("in range");
        let proof = tree.consistency_proof(old, new).expect("in range");

        let bad_old = verify_consistency(old, new, &flip(&old_root, bit), &new_root, &proof);
        let bad_new = verify_consistency(old, new, &old_root, &flip(&new_root, bit), &proof);

        prop_assert_eq!(reason(bad_old), "root_mismatch");
        prop_assert_eq!(reason(bad_new), "root_mismatch");
    }

    /// As for inclusion: checked with the sizes and roots of other
    /// trees, a consistency proof fails unless it is their proof too.
    #[test]
    fn a_consistency_proof_checked_against_other_sizes_fails(
        (old, new) in size_pair(),
        (other_old, other_new) in size_pair(),
    ) {
        prop_assume!((old, new) != (other_old, other_new));
        let tree = shared_tree();
        let proof = tree.consistency_proof(old, new).expect("in range");
        let other_proof = tree.consistency_proof(other_old, other_new).expect("in range");
        let old_root = tree.tree_head(other_old).expect("in range");
        let new_root = tree.tree_head(other_new).expect("in range");

        let result = verify_consistency(other_old, other_new, &old_root, &new_root, &proof);
        prop_assert_eq!(result.is_ok(), proof == other_proof);
    }

    #[test]
    fn random_bytes_never_panic_a_verifier(
        leaf in any::<[u8; 32]>(),
        root in any::<[u8; 32]>(),
        index in any::<u64>(),
        size in any::<u64>(),
        proof in prop::collection::vec(prop::collection::vec(any::<u8>(), 30..34), 0..70),
    ) {
        let (leaf, root) = (Digest(leaf), Digest(root));

        let inclusion = verify_inclusion(&leaf, index, size, &proof, &root);
        let consistency = verify_consistency(index, size, &leaf, &root, &proof);

        prop_assert!(inclusion.is_err() || proof.is_empty());
        let expected_kind = matches!(consistency, Ok(()) | Err(Error::ProofInvalid { .. }));
        prop_assert!(expected_kind);
    }
}
