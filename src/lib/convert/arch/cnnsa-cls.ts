/**
 * The constant [CLS] row that CNNSA prepends to its CNN feature sequence. It is not in the state_dict: upstream
 * `CNNSA.get_cls(256)` (minzwon/sota-music-tagging-models, training/model.py) makes it at construction time as
 * `numpy.random.seed(0); torch.Tensor(numpy.random.random((1, 256)))`, i.e. numpy's legacy MT19937 stream cast
 * to float32. Generated once with numpy 1.24/2.x (the legacy RandomState stream is frozen):
 *   python3 -c "import numpy as n, base64; n.random.seed(0);
 *     print(base64.b64encode(n.random.random((1, 256)).astype(n.float32).tobytes()).decode())"
 * These are the 256 float32 values (little-endian bytes, base64) of the fixture byo/cnnsa_cls_256.f32.
 */
const CLS_BASE64 =
	'C38MP6YWNz+zTho/d30LP0jp2D5RWSU/bgvgPjxLZD+asnY/clLEPn6uSj+oZQc/XmsRP+fzbD9ae5E92XCyPQ2hpTyTJlU/SDVH' +
	'Px65Xj+7hno/qJVMPwZH7D7D0Ec/3TnyPd3RIz80yxI+0tVxP9qXBT+STtQ+1XOHPi40Rj+JjOk+44QRPxHtmTxcHR4/TrIcP2Pv' +
	'HT95mXE/xosuP2sRuD6nwt8+9ZcyP/yudj05sSo/7K4rP4duVz5BBQQ+03+hPkw4uj5q+BE/YZDgPhEGfT/f/NA9yuNVPlIuJT4b' +
	'Mic/cK+BPknA7j60Sno+7MgiPl0M4j03BSg/1X8NPuNMST6Mybw+nSxSPwndxj2Pg1Y/Ps/EPT/5eT8N8+8+BA16PyjXGj9hQD0/' +
	'YYMgPRPMkD6dKfY9sJ+XPoUn8z2xzqI+RxrUPsNfgz3aRTE/ywwRPyLhhz6W8wU/4mPAPTtxEz9b5m0/eBujPmjbKj8F9gY+OGE3' +
	'PwktlD6Eljs+tiUWP5W4pDxqNVQ/gtyZO2KFLT98Poo+rTU8P/1Rdj8luX4+DH8TPw+QFz8afxI/g29kPlzncz+e7eQ+Pa5YPxMR' +
	'Mz+oSZg+DlVQP80Cyz77j2E/Tc4UP2m5YT/ASTE/RKo5P8tWAD/mwXQ/i9wkP4cD2T6WPBs/DjudPARomj4iASk/DYWUPkI2Hj+S' +
	'h9s+t7kKPna4mD446RE/cEMXP/sGEz8rOCc/PfAmP+Hi3D4UhGU/EjG8PrAp3z4XVWQ/u2JOPwsyND/BQ809NmNrP4XYNj9wtH8/' +
	'+ggZPoI9Xj+MZCY+UJUdP1WV/T0RF1k/daxOP5awET9UetA+baeNPbGKMj+/Nug+o9g4PzvLXT/Hu3k/7hVbP27sPzwLT7g+qeA6' +
	'P7G/Lz6oYgU/g5FePeTLTD4Fu5c8xi9LP4NMZT7v0bA+vJZtP4FUND+KaQI9lqUoPjUZHz9BxRM/LZpzPqYobz/fLB0/Ox8JP1cE' +
	'Fz9H6To/QbefPqLjyz5I4VY+Yak+PmTCcT8zUz0/ax37PmHfaD4DO4I+/K9tPdtr3j62o58+kUMyP7BowT4H6jc+CyvKPC26iT2v' +
	'7C0/9EroPkFdCT9AjGU/2oZ9Pz4aXj5+vyk/MdKGPkksqTwaJUI/StmjPmFVxD7zmxY/l79UP/QEIT8JZl8/tA2MPsxMTD9ZFz4+' +
	'J+pzPzv/Lz8Lrlw+4YZyP14ZOz+kBII+dG5aPs2oBD+fOtI8CXNUPmBw2T41k78+wlntPloljj6ANxY/pCVdP4u08D31cgQ/3TwH' +
	'Ph6ENz9WyMo+c78QP7atOz75UhQ+g+L5Pt8Stj4mwHA/W+xDP2uoPz8tWmc/YtmqPQ==';

/** Hidden width of the CNNSA encoder (the length of the [CLS] row). */
export const CNNSA_CLS_WIDTH = 256;

/** The [CLS] row as float32 [256] (a fresh copy on each call). */
export function cnnsaCls(): Float32Array {
	const binary = atob(CLS_BASE64);
	const view = new DataView(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
	const values = new Float32Array(CNNSA_CLS_WIDTH);
	for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
	return values;
}
