;; Dot products of the fast libsamplerate path (libsamplerate-fast.ts) in WebAssembly SIMD (f64x2).
;; Assembled into generated/dot-kernels.ts by tools/gen-dot-kernels.ts; dot-kernels.ts loads it.
;;
;; Memory is the caller's: one float64 array (the polyphase arena) from byte 0; every index argument counts
;; float64 values. A kernel row is `len` W0 values at `row`, then `len` D values; a window is `len` inputs
;; from index k. Each sum runs in two lanes, even taps in one and odd taps in the other, each in ascending
;; order from 0.0, and ends as even + odd: $dotOne keeps exactly that order, so an output gets the same
;; bits whether it was summed alone or with three others.
(module
	(import "env" "memory" (memory 1))

	;; out[2m] = Σ W0·x_m, out[2m + 1] = Σ D·x_m for the four windows m at kA, kB, kC, kD.
	(func (export "dotQuad")
		(param $out i32) (param $row i32) (param $len i32)
		(param $kA i32) (param $kB i32) (param $kC i32) (param $kD i32)
		(local $w i32) (local $d i32) (local $end i32)
		(local $W v128) (local $D v128) (local $x v128)
		(local $wA v128) (local $dA v128) (local $wB v128) (local $dB v128)
		(local $wC v128) (local $dC v128) (local $wD v128) (local $dD v128)
		(local.set $w (i32.shl (local.get $row) (i32.const 3)))
		(local.set $d (i32.shl (i32.add (local.get $row) (local.get $len)) (i32.const 3)))
		(local.set $end (i32.add (local.get $w) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
		(local.set $kA (i32.shl (local.get $kA) (i32.const 3)))
		(local.set $kB (i32.shl (local.get $kB) (i32.const 3)))
		(local.set $kC (i32.shl (local.get $kC) (i32.const 3)))
		(local.set $kD (i32.shl (local.get $kD) (i32.const 3)))
		(block $done
			(br_if $done (i32.ge_u (local.get $w) (local.get $end)))
			(loop $pairs
				(local.set $W (v128.load (local.get $w)))
				(local.set $D (v128.load (local.get $d)))
				(local.set $x (v128.load (local.get $kA)))
				(local.set $wA (f64x2.add (local.get $wA) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dA (f64x2.add (local.get $dA) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $x (v128.load (local.get $kB)))
				(local.set $wB (f64x2.add (local.get $wB) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dB (f64x2.add (local.get $dB) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $x (v128.load (local.get $kC)))
				(local.set $wC (f64x2.add (local.get $wC) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dC (f64x2.add (local.get $dC) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $x (v128.load (local.get $kD)))
				(local.set $wD (f64x2.add (local.get $wD) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dD (f64x2.add (local.get $dD) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $w (i32.add (local.get $w) (i32.const 16)))
				(local.set $d (i32.add (local.get $d) (i32.const 16)))
				(local.set $kA (i32.add (local.get $kA) (i32.const 16)))
				(local.set $kB (i32.add (local.get $kB) (i32.const 16)))
				(local.set $kC (i32.add (local.get $kC) (i32.const 16)))
				(local.set $kD (i32.add (local.get $kD) (i32.const 16)))
				(br_if $pairs (i32.lt_u (local.get $w) (local.get $end)))))
		;; An odd last tap is even-numbered: it goes to the even lane (the odd lane adds 0·0).
		(if (i32.and (local.get $len) (i32.const 1))
			(then
				(local.set $W (v128.load64_zero (local.get $w)))
				(local.set $D (v128.load64_zero (local.get $d)))
				(local.set $x (v128.load64_zero (local.get $kA)))
				(local.set $wA (f64x2.add (local.get $wA) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dA (f64x2.add (local.get $dA) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $x (v128.load64_zero (local.get $kB)))
				(local.set $wB (f64x2.add (local.get $wB) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dB (f64x2.add (local.get $dB) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $x (v128.load64_zero (local.get $kC)))
				(local.set $wC (f64x2.add (local.get $wC) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dC (f64x2.add (local.get $dC) (f64x2.mul (local.get $D) (local.get $x))))
				(local.set $x (v128.load64_zero (local.get $kD)))
				(local.set $wD (f64x2.add (local.get $wD) (f64x2.mul (local.get $W) (local.get $x))))
				(local.set $dD (f64x2.add (local.get $dD) (f64x2.mul (local.get $D) (local.get $x))))))
		(local.set $out (i32.shl (local.get $out) (i32.const 3)))
		(f64.store offset=0 (local.get $out) (call $lanes (local.get $wA)))
		(f64.store offset=8 (local.get $out) (call $lanes (local.get $dA)))
		(f64.store offset=16 (local.get $out) (call $lanes (local.get $wB)))
		(f64.store offset=24 (local.get $out) (call $lanes (local.get $dB)))
		(f64.store offset=32 (local.get $out) (call $lanes (local.get $wC)))
		(f64.store offset=40 (local.get $out) (call $lanes (local.get $dC)))
		(f64.store offset=48 (local.get $out) (call $lanes (local.get $wD)))
		(f64.store offset=56 (local.get $out) (call $lanes (local.get $dD))))

	;; even lane + odd lane
	(func $lanes (param $v v128) (result f64)
		(f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

	;; out[0] = Σ W0·x, out[1] = Σ D·x over taps [from, to) of one window at k, in $dotQuad's order.
	(func (export "dotOne")
		(param $out i32) (param $row i32) (param $len i32) (param $k i32) (param $from i32) (param $to i32)
		(local $j i32) (local $x f64)
		(local $wEven f64) (local $wOdd f64) (local $dEven f64) (local $dOdd f64)
		(local.set $j (local.get $from))
		(block $done
			(br_if $done (i32.ge_s (local.get $j) (local.get $to)))
			(loop $taps
				(local.set $x (f64.load (i32.shl (i32.add (local.get $k) (local.get $j)) (i32.const 3))))
				(if (i32.and (local.get $j) (i32.const 1))
					(then
						(local.set $wOdd (f64.add (local.get $wOdd)
							(f64.mul (f64.load (i32.shl (i32.add (local.get $row) (local.get $j)) (i32.const 3))) (local.get $x))))
						(local.set $dOdd (f64.add (local.get $dOdd)
							(f64.mul (f64.load (i32.shl (i32.add (i32.add (local.get $row) (local.get $len)) (local.get $j)) (i32.const 3))) (local.get $x)))))
					(else
						(local.set $wEven (f64.add (local.get $wEven)
							(f64.mul (f64.load (i32.shl (i32.add (local.get $row) (local.get $j)) (i32.const 3))) (local.get $x))))
						(local.set $dEven (f64.add (local.get $dEven)
							(f64.mul (f64.load (i32.shl (i32.add (i32.add (local.get $row) (local.get $len)) (local.get $j)) (i32.const 3))) (local.get $x))))))
				(local.set $j (i32.add (local.get $j) (i32.const 1)))
				(br_if $taps (i32.lt_s (local.get $j) (local.get $to)))))
		(local.set $out (i32.shl (local.get $out) (i32.const 3)))
		(f64.store offset=0 (local.get $out) (f64.add (local.get $wEven) (local.get $wOdd)))
		(f64.store offset=8 (local.get $out) (f64.add (local.get $dEven) (local.get $dOdd)))))
