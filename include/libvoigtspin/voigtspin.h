/**
 * @file voigtspin.h
 * @brief Umbrella header of libvoigtspin: include this one.
 *
 * libvoigtspin turns a material's elastic constants into the long-range 6-component spin model of
 * Bevzenko & Lubchenko, "Stress distribution and the fragility of supercooled melts", solves it in
 * mean field and evaluates it on periodic lattices with Ewald sums and FFTs.
 * Handles: ::vs_elastic (elastic.h) → ::vs_coupling (coupling.h) → mean field (meanfield.h, with the
 * F(g) profile in gprofile.h) and lattice (lattice.h); the single oscillator of Eq. 14 in
 * oscillator.h; RFOT relations in rfot.h.
 */
#ifndef LIBVOIGTSPIN_VOIGTSPIN_H
#define LIBVOIGTSPIN_VOIGTSPIN_H

#include <libvoigtspin/common.h>
#include <libvoigtspin/elastic.h>
#include <libvoigtspin/coupling.h>
#include <libvoigtspin/meanfield.h>
#include <libvoigtspin/gprofile.h>
#include <libvoigtspin/oscillator.h>
#include <libvoigtspin/rfot.h>
#include <libvoigtspin/lattice.h>
#include <libvoigtspin/sampler.h>

#endif
