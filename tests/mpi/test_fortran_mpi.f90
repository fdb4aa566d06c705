! Module voigtspin_mpi (fortran/mpi/voigtspin_mpi.f90; docs/mpi.md, "Fortran") under mpiexec on 1, 2 and
! 4 ranks (suite 'mpi'). Rank 0 prints TAP; every check is agreed over all ranks (logical AND).
!
! The reference is the serial Fortran sampler of module voigtspin (vs_sampler_t: the same lattice,
! ladder, seed and options) run on every rank: after every sweep the MPI ladder's energies (bit for
! bit), spins, exchange rates, round trips and, after measurements, observables equal it; the
! borrowed one-replica samplers of vs_mpi_sampler_local give the serial slot's values; a checkpoint
! restores the state of its sweep. Bad input: an INTEGER that is no communicator, MPI_COMM_NULL, a
! bad ladder, a replica out of range, a wrong spins shape, a never-created handle: VS_EINVAL with
! `stat`, no abort.
program test_fortran_mpi
  use, intrinsic :: iso_c_binding, only: c_double, c_long, c_long_long, c_int
  use mpi
  use voigtspin
  use voigtspin_mpi
  implicit none

  integer, parameter :: nrep = 5, nsweeps = 12
  real(c_double), parameter :: ladder(nrep) = [0.35_c_double, 0.5_c_double, 0.8_c_double, 1.3_c_double, &
                                               2.1_c_double]
  integer(c_long), parameter :: seed = 20261203_c_long
  integer :: rank, nranks, ierr, ntest, nfail, st, k, r, first, count
  type(vs_coupling_t) :: c
  type(vs_lattice_t) :: lat
  type(vs_sampler_options_t) :: opt
  type(vs_sampler_t) :: ser, loc
  type(vs_mpi_sampler_t) :: mp, bad
  real(c_double), allocatable :: s1(:, :), s2(:, :), e_saved(:)
  real(c_double) :: e1, e2, x1, x2, d1, d2, t1, t2
  integer(c_long_long) :: n1, n2
  logical :: ok
  character(len=64) :: ckpt
  character(len=VS_MESSAGE_LEN) :: msg

  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  ntest = 0
  nfail = 0

  call vs_coupling_create_dipolar(c, stat=st)
  if (st == VS_OK) call vs_lattice_create_cubic(lat, VS_LATTICE_SC, 1.0_c_double, [2, 2, 2], c, stat=st)
  if (st == VS_OK) call vs_sampler_options_create(opt, stat=st)
  if (st == VS_OK) call vs_sampler_options_set(opt, VS_SAMPLER_OPT_MOVE, real(VS_SAMPLER_METROPOLIS, c_double), &
                                               stat=st)
  if (st == VS_OK) call vs_sampler_create(ser, lat, ladder, seed, opt, stat=st)
  call check(st == VS_OK, 'setup: lattice, options and the serial Fortran sampler')
  call vs_mpi_sampler_create(mp, MPI_COMM_WORLD, lat, ladder, seed, opt, stat=st)
  call check(st == VS_OK .and. mp%is_associated() .and. mp%nreplicas() == nrep, &
             'create with MPI_COMM_WORLD (an INTEGER): nreplicas = 5')
  allocate (s1(vs_lattice_ncomp(lat), vs_lattice_nsites(lat)), s2(vs_lattice_ncomp(lat), vs_lattice_nsites(lat)))
  allocate (e_saved(nrep))

  ! ---- the chain, sweep by sweep (measuring after sweep 4) ---------------------------------------
  ok = .true.
  write (ckpt, '(a, i0, a)') 'fortran_mpi_np', nranks, '.ckpt'
  do k = 1, nsweeps
    call ser%sweep(1, stat=st)
    ok = ok .and. st == VS_OK
    call mp%sweep(1, stat=st)
    ok = ok .and. st == VS_OK
    if (k > 4) then
      call vs_sampler_measure(ser, stat=st)
      ok = ok .and. st == VS_OK
      call mp%measure(stat=st)
      ok = ok .and. st == VS_OK
    end if
    do r = 1, nrep
      call ser%energy(r, e1, stat=st)
      call mp%energy(r, e2, stat=st)
      ok = ok .and. st == VS_OK .and. same(e1, e2)
      call ser%spins(r, s1, stat=st)
      call mp%spins(r, s2, stat=st)
      ok = ok .and. st == VS_OK .and. all(bits(s1) == bits(s2))
      if (r < nrep) then
        call ser%exchange_rate(r, x1)
        call mp%exchange_rate(r, x2, stat=st)
        ok = ok .and. st == VS_OK .and. same(x1, x2)
      end if
      if (k == 8) e_saved(r) = e2
    end do
    call vs_sampler_round_trips(ser, n1)
    call mp%round_trips(n2, stat=st)
    ok = ok .and. st == VS_OK .and. n1 == n2
    if (k == 8) then
      call mp%save(ckpt, stat=st)
      ok = ok .and. st == VS_OK
    end if
  end do
  call check(ok, 'energies (bits), spins, exchange rates, round trips equal the serial Fortran sampler after &
             &every sweep')

  ok = .true.
  do r = 1, nrep
    call vs_sampler_observable(ser, r, VS_SAMPLER_OBS_HEAT_CAPACITY, x1, d1, t1)
    call mp%observable(r, VS_SAMPLER_OBS_HEAT_CAPACITY, x2, d2, t2, stat=st)
    ok = ok .and. st == VS_OK .and. same(x1, x2) .and. same(d1, d2) .and. same(t1, t2)
    call ser%acceptance(r, x1)
    call mp%acceptance(r, x2, stat=st)
    ok = ok .and. st == VS_OK .and. same(x1, x2)
  end do
  call check(ok, 'observables (C with error and tau_int) and acceptance equal the serial sampler')

  ! ---- this rank's replicas through the borrowed one-replica samplers of module voigtspin ---------
  call mp%local_range(first, count, stat=st)
  ok = st == VS_OK .and. count >= 1 .and. first >= 1 .and. first + count - 1 <= nrep
  do r = first, first + count - 1
    call mp%local(r, loc, stat=st)
    ok = ok .and. st == VS_OK .and. loc%is_associated() .and. loc%nreplicas() == 1
    if (.not. ok) exit
    call loc%energy(1, e2, stat=st)
    call ser%energy(r, e1)
    ok = ok .and. st == VS_OK .and. same(e1, e2)
    call loc%spins(1, s2, stat=st)
    call ser%spins(r, s1)
    ok = ok .and. st == VS_OK .and. all(bits(s1) == bits(s2))
    call loc%temperature(1, x2, stat=st)
    ok = ok .and. st == VS_OK .and. same(x2, ladder(r))
  end do
  call check(ok, 'local_range and local: the borrowed vs_sampler_t of each local replica is the serial slot')

  ! ---- checkpoint: load restores sweep 8 --------------------------------------------------------
  call mp%load(ckpt, stat=st)
  ok = st == VS_OK
  call mp%sweeps(n2, stat=st)
  ok = ok .and. st == VS_OK .and. n2 == 8
  do r = 1, nrep
    call mp%energy(r, e2, stat=st)
    ok = ok .and. st == VS_OK .and. same(e2, e_saved(r))
  end do
  call check(ok, 'save at sweep 8, load after sweep 12: sweeps = 8 and the energies of sweep 8')

  ! ---- bad input --------------------------------------------------------------------------------
  call vs_mpi_sampler_create(bad, -12345, lat, ladder, seed, stat=st)
  msg = vs_mpi_last_error()
  call check(st == VS_EINVAL .and. .not. bad%is_associated() .and. index(msg, 'fcomm = -12345') > 0, &
             'create with the INTEGER -12345 (no communicator): VS_EINVAL, no abort: ' // trim(msg))
  call vs_mpi_sampler_create(bad, MPI_COMM_NULL, lat, ladder, seed, stat=st)
  call check(st == VS_EINVAL .and. .not. bad%is_associated(), 'create with MPI_COMM_NULL: VS_EINVAL: ' // &
             trim(vs_mpi_last_error()))
  call vs_mpi_sampler_create(bad, MPI_COMM_WORLD, lat, [1.0_c_double, 0.5_c_double, 2.0_c_double, 3.0_c_double], &
                             seed, stat=st)
  call check(st == VS_EINVAL .and. .not. bad%is_associated(), 'a decreasing ladder: VS_EINVAL: ' // &
             trim(vs_mpi_last_error()))
  call mp%energy(nrep + 1, e2, stat=st)
  call check(st == VS_EINVAL, 'energy of replica nrep + 1: VS_EINVAL')
  call mp%energy(0, e2, stat=st)
  call check(st == VS_EINVAL, 'energy of replica 0 (1-based): VS_EINVAL')
  call mp%local(nrep + 1, loc, stat=st)
  call check(st == VS_EINVAL, 'local of a replica this rank does not hold: VS_EINVAL')
  call mp%spins(1, s1(:, 1:1), stat=st)
  call check(st == VS_EINVAL, 'spins into a wrong shape: VS_EINVAL')
  call mp%sweep(-1, stat=st)
  call check(st == VS_EINVAL, 'sweep(-1): VS_EINVAL')
  call bad%sweep(1, stat=st)
  call check(st == VS_EINVAL .and. bad%nreplicas() == 0, 'sweep of a never-created handle: VS_EINVAL, nreplicas 0')
  call bad%free()
  call mp%load('no/such/checkpoint', stat=st)
  call check(st == VS_EIO, 'load of a missing checkpoint: VS_EIO')

  deallocate (s1, s2, e_saved)
  call mp%free()
  call check(.not. mp%is_associated(), 'free resets the handle')
  call ser%free()
  call opt%free()
  call lat%free()
  call c%free()
  if (rank == 0) then
    call execute_command_line('rm -f ' // trim(ckpt) // ' ' // trim(ckpt) // '.g*')
    write (*, '(a, i0)') '1..', ntest
  end if
  call MPI_Finalize(ierr)
  if (nfail /= 0) error stop 1

contains

  !> Bit-for-bit equality of two reals (the chains are identical, not close).
  elemental logical function same(a, b)
    real(c_double), intent(in) :: a, b
    same = transfer(a, 0_c_long_long) == transfer(b, 0_c_long_long)
  end function same

  function bits(a) result(b)
    real(c_double), intent(in) :: a(:, :)
    integer(c_long_long) :: b(size(a))
    b = transfer(a, b)
  end function bits

  include 'mpi_tap_check.inc'

end program test_fortran_mpi
