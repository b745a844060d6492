/*
 * DOC: dp_pcap.c - classic pcap files (microsecond timestamps, link type
 * DLT_EN10MB): a bounded reader that rejects a bad or cut file with a
 * message, and a writer, for the pcap ports, golden tests and tools.
 *
 * I/O layer with stdio: records are copied into the caller's buffer, so
 * nothing is allocated per packet.  Either byte order is read; files are
 * written in the host's order, as libpcap does.
 */
#include "datapath/dp.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define DP_PCAP_MAGIC_SWAPPED 0xd4c3b2a1u
#define DP_PCAP_GHDR          24 /* global header bytes */
#define DP_PCAP_RHDR          16 /* record header bytes */

static int
dp_pcap_err(struct dp_pcap *pc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pc->err, sizeof(pc->err), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

static uint32_t
dp_pcap_u32(const struct dp_pcap *pc, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return pc->swapped ? __builtin_bswap32(v) : v;
}

static uint16_t
dp_pcap_u16(const struct dp_pcap *pc, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return pc->swapped ? __builtin_bswap16(v) : v;
}

int
dp_pcap_open_read(struct dp_pcap *pc, const char *path)
{
	uint8_t g[DP_PCAP_GHDR];
	uint32_t magic, link;
	int error;

	memset(pc, 0, sizeof(*pc));
	if ((pc->f = fopen(path, "rb")) == NULL) {
		error = -errno;
		snprintf(
		    pc->err, sizeof(pc->err), "%s: %s", path, strerror(errno));
		return error;
	}
	if (fread(g, 1, sizeof(g), pc->f) != sizeof(g)) {
		error = dp_pcap_err(pc, "%s: shorter than a pcap header", path);
		goto fail;
	}
	memcpy(&magic, g, 4);
	if (magic == DP_PCAP_MAGIC_SWAPPED)
		pc->swapped = true;
	else if (magic != DP_PCAP_MAGIC) {
		error = dp_pcap_err(pc,
		    "%s: magic %08x: not a classic microsecond pcap", path,
		    (unsigned)magic);
		goto fail;
	}
	if (dp_pcap_u16(pc, g + 4) != 2 || dp_pcap_u16(pc, g + 6) != 4) {
		error = dp_pcap_err(pc, "%s: pcap version %u.%u, not 2.4", path,
		    dp_pcap_u16(pc, g + 4), dp_pcap_u16(pc, g + 6));
		goto fail;
	}
	pc->snaplen = dp_pcap_u32(pc, g + 16);
	link = dp_pcap_u32(pc, g + 20);
	if (link != DP_PCAP_LINKTYPE_ETH) {
		error = dp_pcap_err(pc, "%s: link type %u, not Ethernet (1)",
		    path, (unsigned)link);
		goto fail;
	}
	if (pc->snaplen == 0 || pc->snaplen > DP_PCAP_SNAPLEN_MAX) {
		error = dp_pcap_err(pc, "%s: snaplen %u out of 1..%u", path,
		    (unsigned)pc->snaplen, DP_PCAP_SNAPLEN_MAX);
		goto fail;
	}
	return 0;
fail:
	fclose(pc->f);
	pc->f = NULL;
	return error;
}

int
dp_pcap_read(struct dp_pcap *pc, uint8_t *buf, size_t cap, size_t *len,
    uint64_t *ts_usec)
{
	uint8_t r[DP_PCAP_RHDR];
	uint32_t caplen, usec;
	size_t n;

	if (pc->f == NULL || pc->writing)
		return dp_pcap_err(pc, "not open for reading");
	n = fread(r, 1, sizeof(r), pc->f);
	if (n == 0 && feof(pc->f))
		return 0;
	if (n != sizeof(r))
		return dp_pcap_err(pc, "record %llu: header cut",
		    (unsigned long long)pc->records + 1);
	caplen = dp_pcap_u32(pc, r + 8);
	usec = dp_pcap_u32(pc, r + 4);
	if (caplen > pc->snaplen || caplen > cap || caplen > DP_PCAP_PKT_MAX)
		return dp_pcap_err(pc,
		    "record %llu: %u bytes, above the snaplen %u, the "
		    "buffer %zu or %u",
		    (unsigned long long)pc->records + 1, (unsigned)caplen,
		    (unsigned)pc->snaplen, cap, DP_PCAP_PKT_MAX);
	if (usec >= 1000000)
		return dp_pcap_err(pc, "record %llu: %u microseconds",
		    (unsigned long long)pc->records + 1, (unsigned)usec);
	if (fread(buf, 1, caplen, pc->f) != caplen)
		return dp_pcap_err(pc, "record %llu: data cut",
		    (unsigned long long)pc->records + 1);
	*len = caplen;
	*ts_usec = (uint64_t)dp_pcap_u32(pc, r) * 1000000 + usec;
	pc->records++;
	return 1;
}

int
dp_pcap_open_write(struct dp_pcap *pc, const char *path, uint32_t snaplen)
{
	uint32_t g[6];
	int error;

	memset(pc, 0, sizeof(*pc));
	if (snaplen == 0 || snaplen > DP_PCAP_SNAPLEN_MAX)
		return -EINVAL;
	if ((pc->f = fopen(path, "wb")) == NULL)
		return -errno;
	pc->writing = true;
	pc->snaplen = snaplen;
	g[0] = DP_PCAP_MAGIC;
	g[1] = 2 | 4u << 16; /* version 2.4, as two host-order u16 */
	g[2] = 0;            /* thiszone */
	g[3] = 0;            /* sigfigs */
	g[4] = snaplen;
	g[5] = DP_PCAP_LINKTYPE_ETH;
	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		g[1] = 2u << 16 | 4;
	if (fwrite(g, 1, sizeof(g), pc->f) != sizeof(g)) {
		error = -errno;
		fclose(pc->f);
		pc->f = NULL;
		return error != 0 ? error : -EIO;
	}
	return 0;
}

int
dp_pcap_write(
    struct dp_pcap *pc, uint64_t ts_usec, const uint8_t *data, size_t len)
{
	uint32_t r[4];
	size_t caplen = len < pc->snaplen ? len : pc->snaplen;

	if (pc->f == NULL || !pc->writing)
		return -EINVAL;
	if (len > DP_PCAP_PKT_MAX)
		return -EMSGSIZE;
	r[0] = (uint32_t)(ts_usec / 1000000);
	r[1] = (uint32_t)(ts_usec % 1000000);
	r[2] = (uint32_t)caplen;
	r[3] = (uint32_t)len;
	if (fwrite(r, 1, sizeof(r), pc->f) != sizeof(r) ||
	    fwrite(data, 1, caplen, pc->f) != caplen)
		return errno != 0 ? -errno : -EIO;
	pc->records++;
	return 0;
}

int
dp_pcap_close(struct dp_pcap *pc)
{
	int error = 0;

	if (pc->f == NULL)
		return 0;
	if (fclose(pc->f) != 0 && pc->writing)
		error = -errno;
	pc->f = NULL;
	return error;
}
